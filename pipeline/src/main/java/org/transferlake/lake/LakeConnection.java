package org.transferlake.lake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.transferlake.config.Credentials;
import org.transferlake.config.LakeConfig;

/**
 * How Hadoop's s3a reaches the lake: endpoint, signing and credentials, as Hadoop settings. One
 * place builds them for Spark sessions and for plain Hadoop clients alike.
 *
 * @param endpoint the S3 API URL; empty for AWS's default endpoint
 * @param credentials static keys; empty for the AWS default provider chain
 * @param authoritative true when these settings must win over any Spark conf (the embedded server
 *     exists only for this process); false on clusters, where the cluster's own conf wins
 */
public record LakeConnection(
        LakeConfig lake, Optional<String> endpoint, Optional<Credentials> credentials, boolean authoritative) {

    /** A connection to an external lake as configured (real S3, MinIO, a served embedded lake). */
    public static LakeConnection external(LakeConfig lake) {
        Optional<String> endpoint =
                lake.endpoint().equals(LakeConfig.AWS) ? Optional.empty() : Optional.of(lake.endpoint());
        return new LakeConnection(lake, endpoint, lake.credentials(), false);
    }

    /** A connection to an embedded server this process started. */
    public static LakeConnection embedded(LakeConfig lake, EmbeddedS3Server server) {
        return new LakeConnection(lake, Optional.of(server.endpoint()), Optional.of(server.credentials()), true);
    }

    /** The {@code fs.s3a.*} settings (without a {@code spark.hadoop.} prefix). Contains secrets: never log it. */
    public Map<String, String> hadoopSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        settings.put("fs.s3a.endpoint.region", lake.region());
        settings.put("fs.s3a.path.style.access", Boolean.toString(lake.pathStyleAccess()));
        endpoint.ifPresent(url -> {
            settings.put("fs.s3a.endpoint", url);
            settings.put("fs.s3a.connection.ssl.enabled", Boolean.toString(url.startsWith("https://")));
        });
        credentials.ifPresent(keys -> {
            settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
            settings.put("fs.s3a.access.key", keys.accessKey());
            settings.put("fs.s3a.secret.key", keys.secretKey());
        });
        if (authoritative) {
            // A local server either answers at once or is gone: fail in seconds, not after minutes of retries.
            settings.put("fs.s3a.attempts.maximum", "2");
            settings.put("fs.s3a.retry.limit", "2");
            settings.put("fs.s3a.retry.interval", "100ms");
            settings.put("fs.s3a.connection.establish.timeout", "5000");
        } else {
            // Bounded, with backoff: an endpoint that is down fails the run in about a minute (s3a's own
            // defaults retry for many minutes, 200 s per read). A cluster's own settings win.
            settings.put("fs.s3a.attempts.maximum", "5");
            settings.put("fs.s3a.retry.limit", "5");
            settings.put("fs.s3a.retry.interval", "1s");
            settings.put("fs.s3a.connection.establish.timeout", "10000");
            settings.put("fs.s3a.connection.timeout", "60000");
        }
        return settings;
    }

    /** Settings over the session's for a check that must answer in seconds: one retry, short timeouts. */
    static final Map<String, String> PROBE_SETTINGS = Map.of(
            "fs.s3a.attempts.maximum", "1",
            "fs.s3a.retry.limit", "1",
            "fs.s3a.retry.interval", "500ms",
            "fs.s3a.connection.establish.timeout", "5000",
            "fs.s3a.connection.timeout", "10000");

    /** Where the lake is, for messages: the endpoint URL, or AWS's default. */
    public String describeEndpoint() {
        return endpoint.orElse(awsEndpoint(lake));
    }

    /** Where the lake of a running session is, for messages: its s3a endpoint, or AWS's default. */
    public static String describeEndpoint(Configuration session, LakeConfig lake) {
        String configured = session.getTrimmed("fs.s3a.endpoint", "");
        return configured.isEmpty() ? awsEndpoint(lake) : configured;
    }

    private static String awsEndpoint(LakeConfig lake) {
        return "the AWS S3 endpoint of " + lake.region();
    }

    /** A Hadoop configuration for clients outside Spark (e.g. writing demo images). */
    public Configuration hadoopConfiguration() {
        Configuration configuration = new Configuration();
        hadoopSettings().forEach(configuration::set);
        return configuration;
    }
}
