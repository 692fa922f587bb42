package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.DemoImages;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class DemoDataLakeTest {
    @Test
    void writesABalancedSampleOnceAndNothingOnTheSecondRun() {
        FileSystem fs = SharedLake.get().fileSystem();
        URI root = SharedLake.freshRoot(getClass());

        DemoData.Result first = DemoImages.write(fs, root, 6, 3, 42);
        DemoData.Result second = DemoImages.write(fs, root, 6, 3, 42);

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
        DemoImages.write(fs, root, 2, 1, 42);

        DemoData.Result grown = DemoImages.write(fs, root, 4, 1, 42);

        assertThat(grown.planned()).isEqualTo(50);
        assertThat(grown.written())
                .as("seeded shuffle: the first 2 per class are the same images")
                .isEqualTo(20);
    }
}
