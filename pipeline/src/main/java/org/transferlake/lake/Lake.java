package org.transferlake.lake;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;

/**
 * A lake ready for work: the embedded server when configured, and a Spark session with Delta and
 * s3a set up, the lake's tables registered by name and its SQL functions defined. Closing it stops
 * both, in that order.
 */
public final class Lake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lake.class);
    private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

    private final PipelineConfig config;
    private final Optional<EmbeddedS3Server> server;
    private final SparkSession spark;

    private Lake(PipelineConfig config, Optional<EmbeddedS3Server> server, SparkSession spark) {
        this.config = config;
        this.server = server;
        this.spark = spark;
    }

    /** Starts the embedded server if {@code lake.endpoint = embedded}, then the Spark session. */
    public static Lake open(PipelineConfig config) {
        Optional<EmbeddedS3Server> server = config.lake().isEmbedded()
                ? Optional.of(EmbeddedS3Server.start(
                        config.lake().embeddedDataDir(),
                        config.lake().embeddedPort(),
                        config.lake().bucket()))
                : Optional.empty();
        try {
            LakeConnection connection = server.map(s -> LakeConnection.embedded(config.lake(), s))
                    .orElseGet(() -> LakeConnection.external(config.lake()));
            SparkSession spark =
                    SparkSession.builder().config(sparkConf(config, connection)).getOrCreate();
            LOG.info(
                    "Lake root {} (Spark {} on {})",
                    config.lake().root(),
                    spark.version(),
                    spark.sparkContext().master());
            probe(spark.sparkContext().hadoopConfiguration(), config.lake().root(), connection);
            new Tables(spark, config.lake().root()).registerExisting();
            SqlFunctions.register(spark);
            return new Lake(config, server, spark);
        } catch (RuntimeException e) {
            server.ifPresent(EmbeddedS3Server::close);
            throw e;
        }
    }

    /**
     * Checks, in seconds and before any Spark job, that the lake's bucket exists and answers: a typo in
     * {@code lake.root} or {@code lake.endpoint} is bad config, not a run that fails after minutes of
     * retries. Uses the session's Hadoop settings (a cluster's own included) with one short retry.
     */
    static void probe(org.apache.hadoop.conf.Configuration session, URI root, LakeConnection connection) {
        org.apache.hadoop.conf.Configuration probe = new org.apache.hadoop.conf.Configuration(session);
        LakeConnection.PROBE_SETTINGS.forEach(probe::set);
        try (FileSystem fs = FileSystem.newInstance(root, probe)) {
            fs.exists(new org.apache.hadoop.fs.Path(root));
        } catch (org.apache.hadoop.fs.s3a.UnknownStoreException e) {
            throw Errors.lakeBucketMissing(root, connection.describeEndpoint());
        } catch (java.nio.file.AccessDeniedException e) {
            throw Errors.lakeAccessDenied(root, connection.describeEndpoint(), e);
        } catch (IOException | RuntimeException e) {
            throw Errors.lakeUnreachable(root, connection.describeEndpoint(), e);
        }
    }

    /**
     * Spark conf for the lake. Anything spark-submit or {@code spark-defaults.conf} already set wins,
     * except the s3a settings of an embedded server, which only this process knows.
     */
    static SparkConf sparkConf(PipelineConfig config, LakeConnection connection) {
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.master", config.spark().master());
        conf.setIfMissing("spark.app.name", config.spark().appName());
        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(DELTA_EXTENSION)) {
            conf.set(
                    "spark.sql.extensions",
                    extensions.isEmpty() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
        }
        conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // Delta replays a table's log in this many tasks (default 50): our tables gain one commit per
        // run, so a few suffice, and 50 tasks cost seconds of scheduling on every first read of a table.
        conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
        if (conf.get("spark.master").startsWith("local")) {
            // Nothing of a local run is for the network: the driver's RPC and block manager listen on
            // loopback only. (The UI binds where SPARK_LOCAL_IP says: bin/transferlake sets it.)
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        if (conf.get("spark.master").startsWith("local-cluster")) {
            // Spark's own multi-JVM test mode: executors start from this JVM's classpath, not a Spark home.
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", "2.12");
            conf.setIfMissing("spark.executorEnv.SPARK_TESTING", "1");
        }
        // TensorFlow reads these once at start, so executors need them in their environment.
        conf.setIfMissing("spark.executorEnv.TF_ENABLE_ONEDNN_OPTS", "1");
        conf.setIfMissing("spark.executorEnv.TF_CPP_MIN_LOG_LEVEL", "2");
        for (Map.Entry<String, String> setting : connection.hadoopSettings().entrySet()) {
            String key = "spark.hadoop." + setting.getKey();
            if (connection.authoritative()) {
                conf.set(key, setting.getValue());
            } else {
                conf.setIfMissing(key, setting.getValue());
            }
        }
        return conf;
    }

    public SparkSession spark() {
        return spark;
    }

    public PipelineConfig config() {
        return config;
    }

    /** The warehouse root, ending in {@code /}. */
    public URI root() {
        return config.lake().root();
    }

    /** The embedded server, when this lake started one. */
    public Optional<EmbeddedS3Server> server() {
        return server;
    }

    /** The Hadoop file system of the warehouse root, configured as Spark sees it. */
    public FileSystem fileSystem() {
        return fileSystem(spark, root());
    }

    /** The Hadoop file system of {@code root}, configured as {@code spark} sees it. */
    public static FileSystem fileSystem(SparkSession spark, URI root) {
        try {
            return FileSystem.get(root, spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw Errors.noFileSystem(root, e);
        }
    }

    @Override
    public void close() {
        try {
            spark.stop();
            // S3A instances are cached by bucket, not endpoint: a stale one would retry a dead server.
            FileSystem.closeAll();
        } catch (IOException e) {
            LOG.warn("Could not close Hadoop file systems: {}", e.getMessage());
        } finally {
            server.ifPresent(EmbeddedS3Server::close);
        }
    }
}
