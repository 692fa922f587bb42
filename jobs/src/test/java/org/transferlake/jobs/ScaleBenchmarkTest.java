package org.transferlake.jobs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.bench.ScaleBenchmark;
import org.transferlake.config.ConfigLoader;
import org.transferlake.lake.Lake;

/**
 * {@code bench scale} end to end at its smallest size: every phase in a child JVM with a 1 GiB heap,
 * against an embedded lake. Not in CI (about 5.5 minutes): {@code -DskipScaleTests=false}.
 */
@Tag("scale")
class ScaleBenchmarkTest {
    private static final Path DATA = Path.of("target/scale-lake").toAbsolutePath();
    private static final String MODEL_CACHE =
            Path.of("target/model-cache").toAbsolutePath().toString();

    @Test
    void aThousandImagesThenATenthThenNothingNewThenOnePercentThenAPlanOverTenThousandPaths() throws Exception {
        JobTests.deleteTree(DATA);
        StringWriter out = new StringWriter();
        try (Lake lake = Lake.open(ConfigLoader.load(
                null,
                Map.of(
                        "lake.embedded.data-dir", DATA.toString(),
                        "lake.root", "s3a://lake/scale/",
                        "backbone.cache-dir",
                                Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of()))) {
            ScaleBenchmark.Report report = ScaleBenchmark.run(
                    lake,
                    1_000,
                    1024,
                    10_000,
                    new ScaleBenchmark.Cli(
                            TransferlakeCli.class.getName(),
                            List.of("--conf", "backbone.cache-dir=" + MODEL_CACHE),
                            Map.of()),
                    DATA.resolve("work"),
                    true,
                    new PrintWriter(out, true));

            List<String> lines = out.toString().lines().toList();
            assertThat(lines.get(lines.size() - 1))
                    .as(out.toString())
                    .matches("scale: 1000 images, driver heap peak \\d+ MB \\(limit 1024 MB\\), per-image cost at N vs"
                            + " N/10: \\d+\\.\\d\\d, re-run \\d+\\.\\d% of first run")
                    .isEqualTo(report.summaryLine());
            assertThat(report.heapPeakMb()).isBetween(1L, 1023L);
            assertThat(report.phase(ScaleBenchmark.ALL))
                    .extracting("listed", "images")
                    .containsExactly(1000L, 1000L);
            assertThat(report.phase(ScaleBenchmark.TENTH))
                    .extracting("listed", "images")
                    .containsExactly(100L, 100L);
            assertThat(report.phase(ScaleBenchmark.RERUN))
                    .extracting("listed", "images")
                    .containsExactly(1000L, 0L);
            assertThat(report.phase(ScaleBenchmark.INCREMENT))
                    .extracting("listed", "images")
                    .containsExactly(1010L, 10L);
            assertThat(report.phase(ScaleBenchmark.PLAN))
                    .extracting("listed", "images")
                    .containsExactly(10000L, 10000L);
            assertThat(report.phase(ScaleBenchmark.PLAN).heapPeakMb()).isBetween(1L, 1023L);
            assertThat(report.rerunPercent()).isLessThan(100);

            // The tables, counted: each image once, the tenth from its ten directories only.
            Dataset<Row> all = features(lake, report.phase(ScaleBenchmark.ALL));
            assertThat(all.count()).isEqualTo(1010);
            assertThat(all.select("path").distinct().count()).isEqualTo(1010);
            Dataset<Row> tenth = features(lake, report.phase(ScaleBenchmark.TENTH));
            assertThat(tenth.count()).isEqualTo(100);
            assertThat(tenth.where(col("path").rlike("/images/s00[0-9]/")).count())
                    .isEqualTo(100);
            // The increment's images are new bytes, not copies of the first ones.
            assertThat(all.select("content_sha256").distinct().count()).isEqualTo(1010);
        }
    }

    private static Dataset<Row> features(Lake lake, ScaleBenchmark.Phase phase) {
        return lake.spark()
                .read()
                .format("delta")
                .load(phase.tables().resolve("features").toString());
    }
}
