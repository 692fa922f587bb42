package org.transferlake.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PreprocessingTest {
    /** Two pixels: pure colours at the extremes, and a mid grey-ish one. */
    private static final byte[] PIXELS = {(byte) 255, 0, (byte) 128, 10, 20, 30};

    private static float[] apply(Preprocessing mode) {
        float[] out = new float[PIXELS.length + 2];
        mode.apply(PIXELS, out, 2);
        assertThat(out[0]).as("nothing before the offset").isZero();
        return java.util.Arrays.copyOfRange(out, 2, out.length);
    }

    @Test
    void unitScalesToZeroOne() {
        assertThat(apply(Preprocessing.UNIT))
                .containsExactly(new float[] {1f, 0f, 128 / 255f, 10 / 255f, 20 / 255f, 30 / 255f}, within(1e-7f));
    }

    @Test
    void tfScalesToMinusOneOne() {
        assertThat(apply(Preprocessing.TF))
                .containsExactly(
                        new float[] {1f, -1f, 128 / 127.5f - 1, 10 / 127.5f - 1, 20 / 127.5f - 1, 30 / 127.5f - 1},
                        within(1e-6f));
    }

    @Test
    void caffeSwapsToBgrAndSubtractsTheImageNetMean() {
        // (R,G,B) = (255,0,128) → (B,G,R) − (103.939, 116.779, 123.68)
        assertThat(apply(Preprocessing.CAFFE))
                .containsExactly(
                        new float[] {
                            128 - 103.939f, 0 - 116.779f, 255 - 123.68f,
                            30 - 103.939f, 20 - 116.779f, 10 - 123.68f
                        },
                        within(1e-4f));
    }

    @Test
    void torchNormalizesWithImageNetMeanAndStd() {
        assertThat(apply(Preprocessing.TORCH))
                .containsExactly(
                        new float[] {
                            (1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (128 / 255f - 0.406f) / 0.225f,
                            (10 / 255f - 0.485f) / 0.229f, (20 / 255f - 0.456f) / 0.224f, (30 / 255f - 0.406f) / 0.225f
                        },
                        within(1e-5f));
    }

    @Test
    void poolingReducesAFeatureMapPerChannel() {
        // A 2×2 map with 3 channels, values p*10 + c.
        float[] map = {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32};
        long[] dims = {2, 2, 3};
        assertThat(Pooling.AVG.reduce(map, dims)).containsExactly(15f, 16f, 17f);
        assertThat(Pooling.MAX.reduce(map, dims)).containsExactly(30f, 31f, 32f);
        assertThat(Pooling.NONE.reduce(map, dims)).isSameAs(map);
        assertThat(Pooling.AVG.reduce(new float[] {1, 2}, new long[] {2}))
                .as("vectors pass through")
                .containsExactly(1f, 2f);
    }
}
