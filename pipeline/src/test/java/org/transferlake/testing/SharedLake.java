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

    /**
     * Drops the {@code transferlake.*} names from the shared session's catalog (the data stays: they
     * are external tables), for a test that registers its own lake under them.
     */
    public static void forgetLakeNames() {
        org.apache.spark.sql.SparkSession spark = get().spark();
        for (org.transferlake.lake.LakeView view : org.transferlake.lake.LakeView.values()) {
            spark.sql("DROP VIEW IF EXISTS " + view.qualifiedName());
        }
        for (org.transferlake.lake.LakeTable table : org.transferlake.lake.LakeTable.values()) {
            spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
        }
    }

    /** A new, empty location under the lake root for one test class. */
    public static URI freshRoot(Class<?> testClass) {
        return get().root().resolve("tests/" + testClass.getSimpleName() + "-" + System.nanoTime() + "/");
    }
}
