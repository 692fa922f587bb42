package org.transferlake.image;

import java.awt.image.BufferedImage;

/**
 * An 8-bit RGB image, pixels interleaved row by row (HWC), whatever the source's colour model.
 *
 * @param rgb {@code width × height × 3} bytes
 */
public record RgbImage(int width, int height, byte[] rgb) {

    /** Converts any decoded image (grey, palette, alpha, 16-bit, CMYK→RGB) to 8-bit RGB. */
    public static RgbImage of(BufferedImage image) {
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
