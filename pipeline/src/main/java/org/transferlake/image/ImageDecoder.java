package org.transferlake.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes (PNG, JPEG incl. CMYK, BMP, GIF first frame; grey, palette, alpha and 16-bit
 * become 8-bit RGB) without trusting them: the header's pixel count is checked before any pixel
 * buffer is allocated, and JPEG EXIF orientation is applied, so the pixels are the ones a viewer
 * shows.
 */
public final class ImageDecoder {
    static {
        // Spark loads our jar in a child class loader: make ImageIO see the TwelveMonkeys readers.
        ImageIO.scanForPlugins();
        ImageIO.setUseCache(false);
    }

    /**
     * Bump when decoding gives other pixels for the same bytes: it is part of every backbone id, so
     * embeddings decoded the old way are never mixed with new ones. 2: raw grey and 16-bit samples;
     * truncated files and PNGs with a bad critical-chunk CRC refused.
     */
    public static final int VERSION = 2;

    /**
     * The JPEG reader's warnings for a file that stops before its end (libjpeg's "premature end of
     * JPEG file"); not "premature end of data segment", which a complete but slightly corrupt file
     * also gives and PIL still decodes.
     */
    private static final Pattern TRUNCATION =
            Pattern.compile("truncated file|missing eoi|premature end of jpeg file", Pattern.CASE_INSENSITIVE);

    private static final byte GIF_TRAILER = 0x3B;

    private ImageDecoder() {}

    /**
     * Decodes {@code bytes} to RGB.
     *
     * @param maxPixels refuse images whose header declares more than this many pixels
     */
    public static RgbImage decode(byte[] bytes, long maxPixels) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw ImageRejectedException.emptyFile();
        }
        try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(
                        RejectReason.UNSUPPORTED_FORMAT,
                        "no image decoder recognises these " + bytes.length + " bytes");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new ImageRejectedException(
                            RejectReason.TOO_LARGE,
                            "its header declares " + width + "x" + height + " = " + width * height
                                    + " pixels, over the limit of " + maxPixels);
                }
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                checkComplete(bytes, format);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                // Java's JPEG reader pads a truncated scan with grey and only warns; libjpeg-based
                // decoders (TensorFlow, PIL) refuse the file.
                for (String warning : warnings) {
                    if (TRUNCATION.matcher(warning).find()) {
                        throw new ImageRejectedException(RejectReason.TRUNCATED, "decoding stopped early: " + warning);
                    }
                }
                int orientation = format.equals("jpeg") ? ExifOrientation.read(bytes) : 1;
                return orient(RgbImage.of(image), orientation);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (endedEarly(e)) {
                throw new ImageRejectedException(RejectReason.TRUNCATED, "decoding stopped early: " + e);
            }
            throw new ImageRejectedException(RejectReason.CORRUPT, "decoding failed: " + e.getMessage());
        }
    }

    /** What the readers do not check themselves: PNG chunks whole and their CRCs, a GIF's trailer. */
    private static void checkComplete(byte[] bytes, String format) throws ImageRejectedException {
        if (format.equals("png") && PngChunks.isPng(bytes)) {
            PngChunks.check(bytes);
        }
        if (format.equals("gif") && lastNonZero(bytes) != GIF_TRAILER) {
            throw new ImageRejectedException(
                    RejectReason.TRUNCATED, "the file ends after " + bytes.length + " bytes without the GIF trailer");
        }
    }

    /** Some encoders pad a GIF with zeros after its trailer; readers ignore them. */
    private static byte lastNonZero(byte[] bytes) {
        int last = bytes.length - 1;
        while (last > 0 && bytes[last] == 0) {
            last--;
        }
        return bytes[last];
    }

    private static boolean endedEarly(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies EXIF orientation: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise,
     * 7 transverse, 8 rotate 90° counter-clockwise; 1 and unknown values leave the image as is.
     */
    static RgbImage orient(RgbImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swaps = orientation >= 5;
        int outWidth = swaps ? h : w;
        byte[] out = new byte[image.rgb().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int tx;
                int ty;
                switch (orientation) {
                    case 2 -> {
                        tx = w - 1 - x;
                        ty = y;
                    }
                    case 3 -> {
                        tx = w - 1 - x;
                        ty = h - 1 - y;
                    }
                    case 4 -> {
                        tx = x;
                        ty = h - 1 - y;
                    }
                    case 5 -> {
                        tx = y;
                        ty = x;
                    }
                    case 6 -> {
                        tx = h - 1 - y;
                        ty = x;
                    }
                    case 7 -> {
                        tx = h - 1 - y;
                        ty = w - 1 - x;
                    }
                    default -> {
                        tx = y;
                        ty = w - 1 - x;
                    }
                }
                System.arraycopy(image.rgb(), (y * w + x) * 3, out, (ty * outWidth + tx) * 3, 3);
            }
        }
        return new RgbImage(outWidth, swaps ? w : h, out);
    }
}
