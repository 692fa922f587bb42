package org.transferlake.image;

/**
 * Bilinear resizing with half-pixel centres and no antialiasing: the same filter as TensorFlow's
 * {@code tf.image.resize(method="bilinear")}, which Keras' {@code image_dataset_from_directory}
 * uses, so embeddings match what a Keras user computes. Aspect ratio is not kept (no crop, no pad),
 * again as Keras does by default.
 */
public final class Resizer {
  private Resizer() {}

  public static RgbImage resize(RgbImage source, int width, int height) {
    if (source.width() == width && source.height() == height) {
      return source;
    }
    byte[] in = source.rgb();
    byte[] out = new byte[width * height * 3];
    double scaleY = (double) source.height() / height;
    double scaleX = (double) source.width() / width;
    int[] x0 = new int[width];
    int[] x1 = new int[width];
    double[] fx = new double[width];
    for (int x = 0; x < width; x++) {
      double sx = Math.max(0, (x + 0.5) * scaleX - 0.5);
      x0[x] = Math.min((int) sx, source.width() - 1);
      x1[x] = Math.min(x0[x] + 1, source.width() - 1);
      fx[x] = sx - (int) sx;
    }
    for (int y = 0; y < height; y++) {
      double sy = Math.max(0, (y + 0.5) * scaleY - 0.5);
      int y0 = Math.min((int) sy, source.height() - 1);
      int y1 = Math.min(y0 + 1, source.height() - 1);
      double fy = sy - (int) sy;
      int row0 = y0 * source.width();
      int row1 = y1 * source.width();
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          double top = lerp(in[(row0 + x0[x]) * 3 + c] & 0xFF, in[(row0 + x1[x]) * 3 + c] & 0xFF, fx[x]);
          double bottom = lerp(in[(row1 + x0[x]) * 3 + c] & 0xFF, in[(row1 + x1[x]) * 3 + c] & 0xFF, fx[x]);
          out[(y * width + x) * 3 + c] = (byte) Math.round(lerp(top, bottom, fy));
        }
      }
    }
    return new RgbImage(width, height, out);
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
