package org.transferlake.config;

/**
 * What to do with a backbone output that is a feature map [N, H, W, C] rather than a vector, as
 * from Keras models saved with {@code include_top=False} (VGG16 gives N×7×7×512).
 */
public enum Pooling {
    /** Keep the output as is; a 4-D output is then flattened (H·W·C values). */
    NONE,
    /** Global average over H and W → C values (what Keras' {@code pooling='avg'} does). */
    AVG,
    /** Global maximum over H and W → C values. */
    MAX;

    /**
     * Reduces one image's output of shape {@code dims} (without the batch axis).
     *
     * @param values the image's output, row-major
     */
    public float[] reduce(float[] values, long[] dims) {
        if (this == NONE || dims.length != 3) {
            return values;
        }
        int positions = (int) (dims[0] * dims[1]);
        int channels = (int) dims[2];
        float[] pooled = new float[channels];
        if (this == MAX) {
            java.util.Arrays.fill(pooled, Float.NEGATIVE_INFINITY);
        }
        for (int p = 0; p < positions; p++) {
            for (int c = 0; c < channels; c++) {
                float v = values[p * channels + c];
                pooled[c] = this == MAX ? Math.max(pooled[c], v) : pooled[c] + v;
            }
        }
        if (this == AVG) {
            for (int c = 0; c < channels; c++) {
                pooled[c] /= positions;
            }
        }
        return pooled;
    }
}
