package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.Pooling;
import org.transferlake.config.Preprocessing;

/** Small TF.js models with chosen weights, imported and run, against the same maths in Java. */
@Tag("unit")
class LayersModelImporterTest {
    static final int SIZE = 4;
    static final double[][] CONV_KERNEL = {{1, -1, 0.5}, {0.25, 2, -1}, {-0.5, 0.5, 1}};
    static final double[] CONV_BIAS = {0.1, -0.2, 0.3};
    static final double[][] DENSE_KERNEL = {{1, 0}, {0, 1}, {1, 1}, {-1, 0.5}, {0.5, -1}, {0.2, 0.3}};
    static final double[] DENSE_BIAS = {0.01, -0.02};

    @TempDir
    Path dir;

    /** input → conv 1×1 (relu) → concat(conv, input) → maxpool 2 → tanh → add(gmp, gap) → dense. */
    static Path functionalModel(Path dir) throws IOException {
        return new TfjsModels()
                .layer("InputLayer", "input_1", "{\"batch_input_shape\": [null, 4, 4, 3]}")
                .layer(
                        "Conv2D",
                        "conv",
                        "{\"filters\": 3, \"kernel_size\": [1, 1], \"strides\": [1, 1], \"padding\": \"same\","
                                + " \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"relu\", \"use_bias\": true}",
                        "input_1")
                .layer("Concatenate", "concat", "{\"axis\": -1}", "conv", "input_1")
                .layer(
                        "MaxPooling2D",
                        "pool",
                        "{\"pool_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"valid\"}",
                        "concat")
                .layer("Activation", "act", "{\"activation\": \"tanh\"}", "pool")
                .layer("GlobalMaxPooling2D", "gmp", "", "act")
                .layer("GlobalAveragePooling2D", "gap", "", "act")
                .layer("Add", "sum", "", "gmp", "gap")
                .layer("Dropout", "drop", "{\"rate\": 0.5}", "sum")
                .layer("Dense", "dense", "{\"units\": 2, \"activation\": \"linear\", \"use_bias\": true}", "drop")
                .weight("conv/kernel", new long[] {1, 1, 3, 3}, flat(CONV_KERNEL))
                .weight("conv/bias", new long[] {3}, flat(CONV_BIAS))
                .weight("dense/kernel", new long[] {6, 2}, flat(DENSE_KERNEL))
                .weight("dense/bias", new long[] {2}, flat(DENSE_BIAS))
                .writeFunctional(dir, "input_1", "dense");
    }

    static float[] input() {
        float[] x = new float[SIZE * SIZE * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((i % 7) * 0.15 - 0.4 + (i / 3) * 0.02);
        }
        return x;
    }

    /** The conv layer's output [4,4,3] for {@link #input()}, in double precision. */
    static double[][][] convReference(float[] x) {
        double[][][] conv = new double[SIZE][SIZE][3];
        for (int h = 0; h < SIZE; h++) {
            for (int w = 0; w < SIZE; w++) {
                for (int k = 0; k < 3; k++) {
                    double sum = CONV_BIAS[k];
                    for (int c = 0; c < 3; c++) {
                        sum += x[(h * SIZE + w) * 3 + c] * CONV_KERNEL[c][k];
                    }
                    conv[h][w][k] = Math.max(0, sum);
                }
            }
        }
        return conv;
    }

    /** The {@code act} layer's output [2,2,6]: tanh of the 2×2 max pool of concat(conv, input). */
    static double[][][] actReference(float[] x) {
        double[][][] conv = convReference(x);
        double[][][] act = new double[2][2][6];
        for (int ph = 0; ph < 2; ph++) {
            for (int pw = 0; pw < 2; pw++) {
                for (int ch = 0; ch < 6; ch++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int dh = 0; dh < 2; dh++) {
                        for (int dw = 0; dw < 2; dw++) {
                            int h = ph * 2 + dh;
                            int w = pw * 2 + dw;
                            double v = ch < 3 ? conv[h][w][ch] : x[(h * SIZE + w) * 3 + ch - 3];
                            max = Math.max(max, v);
                        }
                    }
                    act[ph][pw][ch] = Math.tanh(max);
                }
            }
        }
        return act;
    }

    static double[] denseReference(float[] x) {
        double[][][] act = actReference(x);
        double[] sum = new double[6];
        for (int ch = 0; ch < 6; ch++) {
            double max = Double.NEGATIVE_INFINITY;
            double mean = 0;
            for (int p = 0; p < 4; p++) {
                max = Math.max(max, act[p / 2][p % 2][ch]);
                mean += act[p / 2][p % 2][ch] / 4;
            }
            sum[ch] = max + mean;
        }
        double[] out = DENSE_BIAS.clone();
        for (int j = 0; j < 2; j++) {
            for (int ch = 0; ch < 6; ch++) {
                out[j] += sum[ch] * DENSE_KERNEL[ch][j];
            }
        }
        return out;
    }

    static BackboneSpec spec(String name, Path savedModel, Pooling pooling) {
        return new BackboneSpec(
                name,
                savedModel.toUri().toString(),
                SIZE,
                SIZE,
                Preprocessing.UNIT,
                "serving_default",
                "",
                "",
                pooling);
    }

    static float[][] embed(BackboneSpec spec, ModelStore store, float[] images, int count) {
        try (Backbone backbone = Backbone.load(spec, store.localize(spec), Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            return embedder.embed(images, count);
        }
    }

    @Test
    void functionalModelMatchesTheSameMathsInJava() throws IOException {
        Path modelJson = functionalModel(dir.resolve("tfjs"));
        LayersModelImporter.Result result =
                LayersModelImporter.importModel("tiny", modelJson, List.of("dense"), dir.resolve("saved"));
        assertThat(result.inputHeight()).isEqualTo(4);
        assertThat(result.outputShape()).containsExactly(2);

        float[][] out = embed(
                spec("tiny", result.savedModel(), Pooling.NONE),
                new ModelStore(dir.resolve("cache"), new Configuration()),
                input(),
                1);

        double[] expected = denseReference(input());
        assertThat(out[0][0]).isCloseTo((float) expected[0], within(1e-5f));
        assertThat(out[0][1]).isCloseTo((float) expected[1], within(1e-5f));
    }

    /** conv (a 4×4 feature map), gap (a vector) and dense: pooled where needed, concatenated in order. */
    @Test
    void aMultiLayerCutConcatenatesTheGlobalAveragesOfEachLayer() throws IOException {
        Path modelJson = functionalModel(dir.resolve("tfjs"));
        LayersModelImporter.Result result = LayersModelImporter.importModel(
                "tiny", modelJson, List.of("conv", "gap", "dense"), dir.resolve("saved"));
        assertThat(result.outputShape()).containsExactly(3 + 6 + 2);

        float[] out = embed(
                spec("tiny", result.savedModel(), Pooling.NONE),
                new ModelStore(dir.resolve("cache"), new Configuration()),
                input(),
                1)[0];

        double[][][] conv = convReference(input());
        double[][][] act = actReference(input());
        double[] expected = new double[11];
        for (int k = 0; k < 3; k++) {
            for (double[][] row : conv) {
                for (double[] pixel : row) {
                    expected[k] += pixel[k] / (SIZE * SIZE);
                }
            }
        }
        for (int ch = 0; ch < 6; ch++) {
            for (double[][] row : act) {
                for (double[] pixel : row) {
                    expected[3 + ch] += pixel[ch] / 4;
                }
            }
        }
        System.arraycopy(denseReference(input()), 0, expected, 9, 2);
        for (int i = 0; i < expected.length; i++) {
            assertThat(out[i]).as("embedding[%d]", i).isCloseTo((float) expected[i], within(1e-5f));
        }
    }

    @Test
    void aCutNamingALayerTwiceIsRefused() throws IOException {
        Path modelJson = functionalModel(dir.resolve("tfjs"));
        assertThatThrownBy(() ->
                        LayersModelImporter.importModel("tiny", modelJson, List.of("gap", "gap"), dir.resolve("saved")))
                .hasMessage("Cannot import backbone tiny: the cut layers [gap, gap] are empty or name a layer twice."
                        + " Give one or more distinct layer names, e.g. --layers block_6_expand_relu,flatten_1.");
    }

    @Test
    void sequentialModelWithUint8QuantizedWeights() throws IOException {
        // Dense 12 → 3 with softmax; kernel codes q dequantize to q·0.5 − 1.
        int[] codes = new int[36];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (i * 5) % 7;
        }
        Path modelJson = new TfjsModels()
                .layer("Flatten", "flat", "{\"batch_input_shape\": [null, 2, 2, 3]}")
                .layer("Dense", "probs", "{\"units\": 3, \"activation\": \"softmax\"}")
                .quantizedWeight("probs/kernel", new long[] {12, 3}, 0.5f, -1f, codes)
                .weight("probs/bias", new long[] {3}, 0.1f, 0f, -0.1f)
                .writeSequential(dir.resolve("seq"));
        LayersModelImporter.Result result =
                LayersModelImporter.importModel("seq", modelJson, List.of("probs"), dir.resolve("saved"));
        BackboneSpec spec = new BackboneSpec(
                "seq",
                result.savedModel().toUri().toString(),
                2,
                2,
                Preprocessing.UNIT,
                "serving_default",
                "",
                "",
                Pooling.NONE);
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = i / 12f;
        }

        float[] out = embed(spec, new ModelStore(dir.resolve("cache"), new Configuration()), x, 1)[0];

        double[] logits = {0.1, 0, -0.1};
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 12; i++) {
                logits[j] += x[i] * (codes[i * 3 + j] * 0.5 - 1);
            }
        }
        double total = Math.exp(logits[0]) + Math.exp(logits[1]) + Math.exp(logits[2]);
        for (int j = 0; j < 3; j++) {
            assertThat(out[j]).isCloseTo((float) (Math.exp(logits[j]) / total), within(1e-6f));
        }
    }

    @Test
    void anUnsupportedLayerIsRefusedByName() throws IOException {
        Path modelJson = new TfjsModels()
                .layer("InputLayer", "input_1", "{\"batch_input_shape\": [null, 4, 4, 3]}")
                .layer("SeparableConv2D", "sep", "{}", "input_1")
                .writeFunctional(dir.resolve("bad"), "input_1", "sep");

        assertThatThrownBy(
                        () -> LayersModelImporter.importModel("odd", modelJson, List.of("sep"), dir.resolve("saved")))
                .hasMessage(
                        "Cannot import backbone odd: layer sep has type SeparableConv2D, which the importer does not support "
                                + "(supported: Activation, Add, AveragePooling2D, BatchNormalization, Concatenate, Conv2D, Dense, DepthwiseConv2D, "
                                + "Dropout, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D, InputLayer, MaxPooling2D, ReLU, ZeroPadding2D). "
                                + "Cut the model before that layer with --layers, or export the model from Keras as a SavedModel.");
    }

    @Test
    void anUnknownCutLayerNamesTheLastLayers() throws IOException {
        Path modelJson = functionalModel(dir.resolve("tfjs"));
        assertThatThrownBy(() ->
                        LayersModelImporter.importModel("tiny", modelJson, List.of("flatten_9"), dir.resolve("saved")))
                .hasMessage(
                        "Cannot import backbone tiny: it has no layer named flatten_9. Pick one of its layers (--layers, or backbone.layers for a bundled backbone), "
                                + "e.g. gmp, gap, sum, drop, dense.");
    }

    @Test
    void aMissingWeightIsNamed() throws IOException {
        Path modelJson = new TfjsModels()
                .layer("InputLayer", "input_1", "{\"batch_input_shape\": [null, 4, 4, 3]}")
                .layer("Conv2D", "conv", "{\"filters\": 1, \"kernel_size\": 1, \"use_bias\": false}", "input_1")
                .writeFunctional(dir.resolve("noweights"), "input_1", "conv");
        assertThatThrownBy(
                        () -> LayersModelImporter.importModel("tiny", modelJson, List.of("conv"), dir.resolve("saved")))
                .hasMessage(
                        "Cannot import backbone tiny: weight conv/kernel is missing from the weights manifest. Re-export the model with its weights.");
    }

    static float[] flat(double[]... rows) {
        int n = 0;
        for (double[] row : rows) {
            n += row.length;
        }
        float[] out = new float[n];
        int i = 0;
        for (double[] row : rows) {
            for (double v : row) {
                out[i++] = (float) v;
            }
        }
        return out;
    }
}
