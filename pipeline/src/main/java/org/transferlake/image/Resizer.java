package org.transferlake.image;

/**
 * Bilinear resizing with half-pixel centres and no antialiasing: the same filter as TensorFlow's
 * {@code tf.image.resize(method="bilinear")}, which Keras' {@code image_dataset_from_directory}
 * uses, so embeddings match what a Keras user computes. Aspect ratio is not kept (no crop, no pad),
 * again as Keras does by default.
 */
public final class Resizer {
    /** Names the filter in backbone ids; change it with the filter. */
    public static final String METHOD = "bilinear-half-pixel";

    private Resizer() {}

    public static RgbImage resize(RgbImage source, int width, int height) {
        if (source.width() == width && source.height() == height) {
            return source;
        }
        byte[] in = source.rgb();
        byte[] out = new byte[width * height * 3];
        // Single precision throughout, as TensorFlow's kernel computes it.
        float scaleY = (float) source.height() / height;
        float scaleX = (float) source.width() / width;
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = new float[width];
        for (int x = 0; x < width; x++) {
            float sx = (x + 0.5f) * scaleX - 0.5f;
            x0[x] = Math.max(0, (int) Math.floor(sx));
            x1[x] = Math.min((int) Math.ceil(sx), source.width() - 1);
            fx[x] = sx - (float) Math.floor(sx);
        }
        for (int y = 0; y < height; y++) {
            float sy = (y + 0.5f) * scaleY - 0.5f;
            int row0 = Math.max(0, (int) Math.floor(sy)) * source.width();
            int row1 = Math.min((int) Math.ceil(sy), source.height() - 1) * source.width();
            float fy = sy - (float) Math.floor(sy);
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    float top = lerp(in[(row0 + x0[x]) * 3 + c] & 0xFF, in[(row0 + x1[x]) * 3 + c] & 0xFF, fx[x]);
                    float bottom = lerp(in[(row1 + x0[x]) * 3 + c] & 0xFF, in[(row1 + x1[x]) * 3 + c] & 0xFF, fx[x]);
                    out[(y * width + x) * 3 + c] = (byte) Math.round(lerp(top, bottom, fy));
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    private static float lerp(float a, float b, float t) {
        return a + (b - a) * t;
    }
}
