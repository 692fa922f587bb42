package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Credentials;
import org.transferlake.config.LakeConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.testing.SharedLake;

/** A wrong bucket or endpoint is bad config, found in seconds before any Spark job (exit code 2). */
@Tag("spark")
class LakeProbeTest {
    private static LakeConnection external(String endpoint, String root) {
        Credentials keys = SharedLake.get().server().orElseThrow().credentials();
        LakeConfig lake = ConfigLoader.load(
                        null,
                        Map.of("lake.endpoint", endpoint, "lake.root", root),
                        Map.of(
                                "TRANSFERLAKE_LAKE_ACCESS_KEY", keys.accessKey(),
                                "TRANSFERLAKE_LAKE_SECRET_KEY", keys.secretKey()))
                .lake();
        return LakeConnection.external(lake);
    }

    @Test
    void aMissingBucketIsNamed() {
        String endpoint = SharedLake.get().server().orElseThrow().endpoint();
        LakeConnection connection = external(endpoint, "s3a://no-such-bucket/transferlake/");

        assertThatThrownBy(() -> Lake.probe(
                        connection.hadoopConfiguration(), URI.create("s3a://no-such-bucket/transferlake/"), connection))
                .isInstanceOfSatisfying(
                        TransferlakeException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransferlakeException.Kind.INVALID_INPUT))
                .hasMessage("Cannot open the lake s3a://no-such-bucket/transferlake/: bucket no-such-bucket does not"
                        + " exist at " + endpoint + ". Create the bucket, or fix lake.root or lake.endpoint.");
    }

    @Test
    void anEndpointThatDoesNotAnswerIsNamedWithinSeconds() {
        LakeConnection connection = external("http://127.0.0.1:1", "s3a://lake/transferlake/");
        long start = System.nanoTime();

        assertThatThrownBy(() -> Lake.probe(
                        connection.hadoopConfiguration(), URI.create("s3a://lake/transferlake/"), connection))
                .isInstanceOfSatisfying(
                        TransferlakeException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransferlakeException.Kind.INVALID_INPUT))
                .hasMessageStartingWith(
                        "Cannot open the lake s3a://lake/transferlake/: http://127.0.0.1:1 did not answer (")
                .hasMessageEndingWith("). Check lake.endpoint and that the object store is up.");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(30);
    }

    @Test
    void theLakeItselfPasses() {
        Lake lake = SharedLake.get();
        String endpoint = lake.server().orElseThrow().endpoint();
        LakeConnection connection = external(endpoint, lake.root().toString());

        Lake.probe(connection.hadoopConfiguration(), lake.root(), connection);
    }
}
