package org.transferlake.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * An 8-bit RGB image, pixels interleaved row by row (HWC), whatever the source's colour model.
 *
 * @param rgb {@code width × height × 3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /**
     * Converts a decoded image to 8-bit RGB the way TensorFlow's {@code decode_png}/{@code
     * decode_jpeg} and PIL do: the raw samples, with no colour management. Grey (and grey + alpha)
     * copies its sample into R, G and B; 16-bit samples keep their high byte (libpng's {@code
     * strip_16}); 1, 2 and 4-bit grey is stretched to 0–255; alpha is dropped; a palette maps
     * through its RGB entries. Other colour spaces (CMYK, YCCK) go through Java's conversion to sRGB.
     * Java's {@code getRGB} is not used for grey or RGB: it converts grey from a linear colour space
     * (a sample of 42 becomes 59.6) and applies embedded ICC profiles.
     */
    public static RgbImage of(BufferedImage image) {
        ColorModel model = image.getColorModel();
        int colourSpace = model.getColorSpace().getType();
        if (!(model instanceof IndexColorModel) && colourSpace == ColorSpace.TYPE_GRAY) {
            return fromSamples(image, new int[] {0, 0, 0});
        }
        if (!(model instanceof IndexColorModel) && colourSpace == ColorSpace.TYPE_RGB) {
            return fromSamples(image, new int[] {0, 1, 2});
        }
        return converted(image);
    }

    /** Bands {@code bandOf[0..2]} as R, G and B, each scaled to 8 bits as libpng does. */
    private static RgbImage fromSamples(BufferedImage image, int[] bandOf) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        int bits = image.getColorModel().getComponentSize(0);
        int[] row = new int[width];
        byte[] rgb = new byte[width * height * 3];
        for (int c = 0; c < 3; c++) {
            if (c > 0 && bandOf[c] == bandOf[c - 1]) {
                copyChannel(rgb, c - 1, c);
                continue;
            }
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, bandOf[c], row);
                for (int x = 0; x < width; x++) {
                    rgb[(y * width + x) * 3 + c] = (byte) toEightBits(row[x], bits);
                }
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static void copyChannel(byte[] rgb, int from, int to) {
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i + to] = rgb[i + from];
        }
    }

    /** 16 bits: the high byte; 1, 2 or 4 bits: stretched to the full range (libpng's expand). */
    static int toEightBits(int sample, int bits) {
        if (bits >= 8) {
            return sample >> (bits - 8);
        }
        return sample * 255 / ((1 << bits) - 1);
    }

    private static RgbImage converted(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(width, height, rgb);
    }
}
