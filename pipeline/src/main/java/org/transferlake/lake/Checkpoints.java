package org.transferlake.lake;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.RunsConfig;

/**
 * Where a run keeps the intermediate results it must compute exactly once (embeddings before the
 * MERGEs that write them, keys read before the writes that change them).
 *
 * <p>Local checkpoints live in the executors' block stores: fast, but lost with an executor, and a
 * lost block fails the run. So on a cluster a run checkpoints into a directory of its own under
 * {@code runs.checkpoint-dir} (by default in the lake), and deletes it when it ends.
 */
public final class Checkpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final SparkSession spark;
    /**
     * Where runs of this lake may have checkpointed: this run's parent directory when it is not local,
     * and the default one in the lake (a cluster run's, when this one is local).
     */
    private final List<URI> parents;

    private final Optional<URI> directory;

    private Checkpoints(SparkSession spark, Optional<URI> parent, List<URI> parents, String runId) {
        this.spark = spark;
        this.parents = parents;
        this.directory = parent.map(runs -> runs.resolve(runId + "/"));
    }

    /** Executors' block stores: for sessions that are not a run's (one-off reads, tests). */
    public static Checkpoints local(SparkSession spark) {
        return new Checkpoints(spark, Optional.empty(), List.of(), "");
    }

    /**
     * The checkpoints of run {@code runId}, as {@code configured} says: {@value RunsConfig#LOCAL_CHECKPOINTS},
     * a directory URI, or {@value RunsConfig#AUTO_CHECKPOINTS} (local in Spark's {@code local[…]} mode,
     * where executors die only with the driver; {@code <lake.root>_checkpoints/} anywhere else).
     */
    public static Checkpoints forRun(SparkSession spark, URI lakeRoot, String configured, String runId) {
        String master = spark.sparkContext().master();
        URI inTheLake = lakeRoot.resolve("_checkpoints/");
        boolean local = configured.equals(RunsConfig.LOCAL_CHECKPOINTS)
                || (configured.equals(RunsConfig.AUTO_CHECKPOINTS) && master.matches("local(\\[.*])?"));
        if (local) {
            return new Checkpoints(spark, Optional.empty(), List.of(inTheLake), runId);
        }
        URI parent = configured.equals(RunsConfig.AUTO_CHECKPOINTS)
                ? inTheLake
                : URI.create(configured.endsWith("/") ? configured : configured + "/");
        List<URI> parents = parent.equals(inTheLake) ? List.of(parent) : List.of(parent, inTheLake);
        return new Checkpoints(spark, Optional.of(parent), parents, runId);
    }

    /** {@code rows}, computed now and kept for the rest of the run: later reads never recompute them. */
    public Dataset<Row> keep(Dataset<Row> rows) {
        if (directory.isEmpty()) {
            return rows.localCheckpoint(true);
        }
        SparkContext context = spark.sparkContext();
        // The checkpoint directory is the context's: a nested run (a nightly's steps) may have moved it. Spark
        // keeps it qualified (hdfs:///x becomes hdfs://namenode:8020/x), with a subdirectory of its own.
        String mine = qualified(new Path(directory.get())) + "/";
        if (context.getCheckpointDir().isEmpty()
                || !context.getCheckpointDir().get().startsWith(mine)) {
            context.setCheckpointDir(directory.get().toString());
        }
        return rows.checkpoint(true);
    }

    private Path qualified(Path path) {
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration())
                    .makeQualified(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Deletes the run's checkpoint directory; a failure to is logged, not thrown (the run's outcome stands). */
    @Override
    public void close() {
        directory.ifPresent(this::delete);
    }

    /**
     * Deletes the checkpoint directories of runs that died before they could (marked abandoned), where
     * this run would checkpoint and in the lake's default place.
     */
    public void deleteLeftBy(List<String> deadRunIds) {
        parents.forEach(runs -> deadRunIds.forEach(runId -> delete(runs.resolve(runId + "/"))));
    }

    private void delete(URI checkpoints) {
        Path path = new Path(checkpoints);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            fs.delete(path, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete checkpoints {}: {}. Delete it by hand.", path, e.getMessage());
        }
    }
}
