package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.DemoConfig;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class DemoDataLakeTest {
    @Test
    void writesABalancedSampleOnceAndNothingOnTheSecondRun() {
        FileSystem fs = SharedLake.get().fileSystem();
        URI root = SharedLake.freshRoot(getClass());
        DemoConfig config = new DemoConfig(Path.of("/nonexistent"), 6, 3, 42);

        DemoData.Result first = DemoData.write(config, fs, root, missing -> Progress.silent());
        DemoData.Result second = DemoData.write(config, fs, root, missing -> Progress.silent());

        assertThat(first).isEqualTo(new DemoData.Result(90, 90, 0, false));
        assertThat(second).isEqualTo(new DemoData.Result(90, 0, 90, false));
        Map<String, Map<String, Long>> counts = DemoData.countObjects(fs, root);
        assertThat(counts.keySet()).containsExactly("test", "train");
        assertThat(counts.get("train"))
                .hasSize(10)
                .allSatisfy((name, count) -> assertThat(count).isEqualTo(6L));
        assertThat(counts.get("test"))
                .hasSize(10)
                .allSatisfy((name, count) -> assertThat(count).isEqualTo(3L));
    }

    @Test
    void aLargerSampleAddsOnlyTheMissingImages() {
        FileSystem fs = SharedLake.get().fileSystem();
        URI root = SharedLake.freshRoot(getClass());
        DemoData.write(new DemoConfig(Path.of("/nonexistent"), 2, 1, 42), fs, root, missing -> Progress.silent());

        DemoData.Result grown = DemoData.write(
                new DemoConfig(Path.of("/nonexistent"), 4, 1, 42), fs, root, missing -> Progress.silent());

        assertThat(grown.planned()).isEqualTo(50);
        assertThat(grown.written())
                .as("seeded shuffle: the first 2 per class are the same images")
                .isEqualTo(20);
    }
}
