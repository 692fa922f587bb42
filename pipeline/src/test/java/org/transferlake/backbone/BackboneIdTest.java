package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Pooling;
import org.transferlake.config.Preprocessing;

/** Everything that determines an embedding is part of the id; where the model is stored is not. */
@Tag("unit")
class BackboneIdTest {
    private static final String MODEL = "mobilenet_v2@sha256:" + "ab".repeat(32);
    private static final BackboneSpec DEFAULT = ConfigLoader.defaults().backbone();

    private static BackboneSpec with(
            String uri, int size, Preprocessing preprocessing, String signature, String output, Pooling pooling) {
        return new BackboneSpec(
                DEFAULT.name(), uri, size, size, preprocessing, signature, DEFAULT.inputName(), output, pooling);
    }

    @Test
    void eachPreprocessingModeIsAnotherFeatureSpace() {
        Set<String> ids = List.of(Preprocessing.values()).stream()
                .map(mode -> BackboneId.of(
                        MODEL, with(DEFAULT.uri(), 224, mode, DEFAULT.signature(), "", DEFAULT.pooling())))
                .collect(Collectors.toSet());

        assertThat(ids).as("unit, tf, caffe, torch").hasSize(4);
    }

    @Test
    void sizePoolingSignatureAndOutputChangeTheIdButTheModelsLocationDoesNot() {
        String base = BackboneId.of(MODEL, DEFAULT);

        assertThat(BackboneId.of(
                        MODEL,
                        with(DEFAULT.uri(), 192, DEFAULT.preprocessing(), DEFAULT.signature(), "", DEFAULT.pooling())))
                .isNotEqualTo(base);
        assertThat(BackboneId.of(
                        MODEL, with(DEFAULT.uri(), 224, DEFAULT.preprocessing(), DEFAULT.signature(), "", Pooling.AVG)))
                .isNotEqualTo(base);
        assertThat(BackboneId.of(
                        MODEL, with(DEFAULT.uri(), 224, DEFAULT.preprocessing(), "other", "", DEFAULT.pooling())))
                .isNotEqualTo(base);
        assertThat(BackboneId.of(
                        MODEL,
                        with(
                                DEFAULT.uri(),
                                224,
                                DEFAULT.preprocessing(),
                                DEFAULT.signature(),
                                "pool",
                                DEFAULT.pooling())))
                .isNotEqualTo(base);
        assertThat(BackboneId.of(
                        MODEL,
                        with(
                                "s3a://models/copy/",
                                224,
                                DEFAULT.preprocessing(),
                                DEFAULT.signature(),
                                "",
                                DEFAULT.pooling())))
                .as("the same content elsewhere")
                .isEqualTo(base);
        assertThat(BackboneId.of("mobilenet_v2@sha256:" + "cd".repeat(32), DEFAULT))
                .isNotEqualTo(base);
    }

    @Test
    void theIdIsTheModelIdPlusTheSpecDigest() {
        String id = BackboneId.of(MODEL, DEFAULT);

        assertThat(id).matches("mobilenet_v2@sha256:(ab){32}\\+[0-9a-f]{16}").startsWith(MODEL + "+");
        assertThat(BackboneId.modelId(id)).isEqualTo(MODEL);
        assertThat(BackboneId.describe(DEFAULT))
                .isEqualTo("signature=serving_default;input=;output=;size=224x224;resize=bilinear-half-pixel;"
                        + "preprocessing=unit;pooling=none;decoder=2");
    }
}
