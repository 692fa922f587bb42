package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;

/** Training and scoring need the backbone's id, not the backbone: learning it must not import or load the model. */
@Tag("unit")
class ModelStoreIdentifyTest {
    private static final BackboneSpec BUNDLED = ConfigLoader.defaults().backbone();

    @TempDir
    Path emptyCache;

    @Test
    void theBundledBackbonesIdIsKnownWithoutImportingIt() throws Exception {
        String identified = new ModelStore(emptyCache, new Configuration()).identify(BUNDLED);

        assertThat(emptyCache).isEmptyDirectory();
        String localized = BackboneId.of(
                new ModelStore(Path.of("target/model-cache"), new Configuration())
                        .localize(BUNDLED)
                        .modelId(),
                BUNDLED);
        assertThat(identified).isEqualTo(localized).startsWith("mobilenet_v2@sha256:");
        assertThat(Files.list(emptyCache)).as("still nothing imported").isEmpty();
    }

    @Test
    void theCutIsPartOfTheBundledModelsId() {
        ModelStore store = new ModelStore(emptyCache, new Configuration());
        List<String> defaultCut = List.of(
                "block_6_expand_relu",
                "block_10_expand_relu",
                "block_13_expand_relu",
                "block_16_expand_relu",
                "flatten_1");
        BackboneSpec explicitDefault = withLayers(defaultCut);
        BackboneSpec flattenOnly = withLayers(List.of("flatten_1"));

        assertThat(ModelStore.bundledCutLayers(BUNDLED)).isEqualTo(defaultCut);
        assertThat(store.identify(explicitDefault)).isEqualTo(store.identify(BUNDLED));
        assertThat(BackboneId.modelId(store.identify(flattenOnly)))
                .isNotEqualTo(BackboneId.modelId(store.identify(BUNDLED)));
    }

    private static BackboneSpec withLayers(List<String> layers) {
        return new BackboneSpec(
                BUNDLED.name(),
                BUNDLED.uri(),
                BUNDLED.inputHeight(),
                BUNDLED.inputWidth(),
                BUNDLED.preprocessing(),
                BUNDLED.signature(),
                BUNDLED.inputName(),
                BUNDLED.outputName(),
                BUNDLED.pooling(),
                layers);
    }

    @Test
    void anUnknownBundledBackboneIsRefusedByName() {
        BackboneSpec unknown = new BackboneSpec(
                "resnet",
                "bundled:resnet",
                224,
                224,
                BUNDLED.preprocessing(),
                BUNDLED.signature(),
                "",
                "",
                BUNDLED.pooling());

        assertThatThrownBy(() -> new ModelStore(emptyCache, new Configuration()).identify(unknown))
                .hasMessage("Cannot load backbone resnet: there is no bundled backbone resnet. "
                        + "Use bundled:mobilenet_v2, bundled:inception_v3, or point backbone.uri at a SavedModel.");
    }
}
