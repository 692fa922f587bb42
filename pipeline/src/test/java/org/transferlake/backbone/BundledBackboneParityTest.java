package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;
import org.transferlake.image.RgbImage;

/** Our imports of the bundled backbones, run through DJL, against TF.js on the same images. */
@Tag("unit")
class BundledBackboneParityTest {
    private static final String PARITY = "/org/transferlake/backbone/parity/";
    private static final BackboneSpec SPEC = ConfigLoader.defaults().backbone();
    private static Backbone backbone;

    @BeforeAll
    static void load() {
        ModelStore store = new ModelStore(Path.of("target/model-cache"), new Configuration());
        backbone = Backbone.load(SPEC, store.localize(SPEC), Device.cpu());
    }

    @AfterAll
    static void close() {
        backbone.close();
    }

    @Test
    void embeddingsMatchTensorFlowJsWithin1e4() throws IOException {
        // The default cut: four pooled block activations (192 + 384 + 576 + 960), then flatten_1 as TF.js gives it.
        assertThat(backbone.dimension()).isEqualTo(3392);
        assertMatchesTensorFlowJs(backbone, SPEC, "reference-flatten_1.csv", 3392 - 1280);
    }

    @Test
    void inceptionV3AtMixed5MatchesTensorFlowJsWithin1e4() throws IOException {
        BackboneSpec inception = ConfigLoader.load(
                        null,
                        java.util.Map.of(
                                "backbone.name", "inception_v3",
                                "backbone.uri", "bundled:inception_v3",
                                "backbone.input-size", "[299, 299]",
                                "backbone.pooling", "avg"),
                        java.util.Map.of())
                .backbone();
        ModelStore store = new ModelStore(Path.of("target/model-cache"), new Configuration());
        try (Backbone mixed5 = Backbone.load(inception, store.localize(inception), Device.cpu())) {
            assertThat(mixed5.dimension()).isEqualTo(768);
            assertMatchesTensorFlowJs(mixed5, inception, "reference-mixed5.csv", 0);
        }
    }

    /** Each reference image's embedding, from {@code offset} on, against the TF.js values in {@code csv}. */
    private static void assertMatchesTensorFlowJs(Backbone backbone, BackboneSpec spec, String csv, int offset)
            throws IOException {
        List<String> lines = readLines(PARITY + csv);
        assertThat(lines).hasSize(3);
        float[] batch = new float[lines.size() * backbone.imageSize()];
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split(",");
            RgbImage image = RgbImage.of(ImageIO.read(resource(PARITY + fields[0])));
            assertThat(image.width()).isEqualTo(spec.inputWidth());
            spec.preprocessing().apply(image.rgb(), batch, i * backbone.imageSize());
            float[] reference = new float[fields.length - 1];
            for (int d = 0; d < reference.length; d++) {
                reference[d] = Float.parseFloat(fields[d + 1]);
            }
            expected.add(reference);
        }

        float[][] actual;
        try (Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            actual = embedder.embed(batch, lines.size());
        }

        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).hasSize(backbone.dimension());
            float[] slice = Arrays.copyOfRange(actual[i], offset, offset + expected.get(i).length);
            assertThat(maxAbsDifference(slice, expected.get(i)))
                    .as(lines.get(i).split(",")[0])
                    .isLessThanOrEqualTo(1e-4);
            assertThat(Arrays.stream(box(expected.get(i))).filter(v -> v > 0).count())
                    .as("a real, non-trivial embedding")
                    .isGreaterThan(100);
        }
    }

    @Test
    void aBatchGivesEachImageItsOwnEmbeddingInOrder() throws IOException {
        List<RgbImage> images = new ArrayList<>();
        for (String name : List.of("fashion-0.png", "pattern.png", "fashion-1.png")) {
            images.add(RgbImage.of(ImageIO.read(resource(PARITY + name))));
        }
        try (Backbone.Embedder batch = backbone.newEmbedder(3);
                Backbone.Embedder single = backbone.newEmbedder(1)) {
            images.forEach(batch::add);
            assertThat(batch.isFull()).isTrue();
            float[][] batched = batch.flush();
            assertThat(batch.size()).as("emptied by flush").isZero();
            assertThat(batched).hasNumberOfRows(3);
            for (int i = 0; i < images.size(); i++) {
                single.add(images.get(i));
                float[] alone = single.flush()[0];
                assertThat(maxAbsDifference(batched[i], alone)).as("image " + i).isLessThanOrEqualTo(1e-5);
                int other = (i + 1) % images.size();
                assertThat(maxAbsDifference(batched[other], alone))
                        .as("distinct images, distinct embeddings")
                        .isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void idNamesTheModelAndItsContent() {
        assertThat(backbone.id()).matches("mobilenet_v2@sha256:[0-9a-f]{64}\\+[0-9a-f]{16}");
    }

    static double maxAbsDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static Double[] box(float[] values) {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = (double) values[i];
        }
        return boxed;
    }

    private static InputStream resource(String path) {
        return BundledBackboneParityTest.class.getResourceAsStream(path);
    }

    private static List<String> readLines(String path) throws IOException {
        try (InputStream in = resource(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank())
                    .toList();
        }
    }
}
