package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;

@Tag("unit")
class EmbedTasksTest {
    private static final PipelineConfig CONFIG =
            ConfigLoader.load(null, Map.of("embed.images-per-task", "256"), Map.of());

    @Test
    void hundredsOfImagesPerTaskInWholeWavesOfTheCores() {
        assertThat(ExtractRun.embedTasks(1_200, 2, CONFIG))
                .as("5 by size, 6 for whole waves")
                .isEqualTo(6);
        assertThat(ExtractRun.embedTasks(100_000, 2, CONFIG)).isEqualTo(392);
        assertThat(ExtractRun.embedTasks(100_000, 64, CONFIG)).isEqualTo(448);
        assertThat(ExtractRun.embedTasks(10, 2, CONFIG))
                .as("at least one per core")
                .isEqualTo(2);
        assertThat(ExtractRun.embedTasks(0, 8, CONFIG)).isEqualTo(8);
    }
}
