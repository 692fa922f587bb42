package org.transferlake.testing;

import java.net.URI;
import java.util.Map;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;

/**
 * One embedded S3 server and one {@code local[2]} Spark session per test JVM, started on first
 * use; each test class works under its own fresh prefix. Spark's and the server's own shutdown
 * hooks stop them when the JVM exits.
 */
public final class SharedLake {
    private static Lake lake;

    private SharedLake() {}

    public static synchronized Lake get() {
        if (lake == null) {
            LogCapture.install();
            PipelineConfig config = ConfigLoader.load(
                    null,
                    Map.of(
                            "lake.embedded.data-dir", "target/test-lake",
                            "spark.master", "local[2]",
                            "spark.app-name", "transferlake-tests"),
                    Map.of());
            lake = Lake.open(config);
        }
        return lake;
    }

    /** A new, empty location under the lake root for one test class. */
    public static URI freshRoot(Class<?> testClass) {
        return get().root().resolve("tests/" + testClass.getSimpleName() + "-" + System.nanoTime() + "/");
    }
}
