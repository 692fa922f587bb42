package org.transferlake.embed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;

/** A Transformer built without settings computes as the default configuration does. */
@Tag("unit")
class EmbeddingTransformerDefaultsTest {
    @Test
    void theDefaultsAreTheConfigurationDefaults() {
        EmbeddingTransformer transformer = new EmbeddingTransformer();
        PipelineConfig defaults = ConfigLoader.defaults();

        assertThat(transformer.backboneSpec()).isEqualTo(defaults.backbone());
        assertThat((Integer) transformer.getOrDefault(transformer.batchSize()))
                .isEqualTo(defaults.embed().batchSize());
        assertThat(transformer.getOrDefault(transformer.device())).isEqualTo("auto");
        assertThat((Long) transformer.getOrDefault(transformer.maxPixels()))
                .isEqualTo(defaults.embed().maxPixels());
        assertThat(transformer.getOrDefault(transformer.modelCacheDir())).isEmpty();
    }
}
