package org.transferlake.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.transferlake.testing.PngEncoder.GREY;
import static org.transferlake.testing.PngEncoder.GREY_ALPHA;
import static org.transferlake.testing.PngEncoder.RGB;
import static org.transferlake.testing.PngEncoder.png;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Decoded pixels are the file's raw samples, as TensorFlow's decode_png/decode_jpeg and PIL give them
 * (TF's png_io: gray_to_rgb, strip_16, expand_gray_1_2_4_to_8, strip_alpha; no colour management).
 * The PNGs are written sample by sample, so the expected values are known by construction; grey
 * levels other than 0 and 255 matter, since there a linear-grey conversion (42 → 59.6) differs.
 */
@Tag("unit")
class RawSamplesTest {
    private static final long LIMIT = 50_000_000L;

    /** The decoded image's R, G, B values, pixel after pixel. */
    private static int[] decode(byte[] bytes) throws Exception {
        byte[] rgb = ImageDecoder.decode(bytes, LIMIT).rgb();
        int[] values = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            values[i] = rgb[i] & 0xFF;
        }
        return values;
    }

    private static int[] repeatedThrice(int... grey) {
        return Arrays.stream(grey)
                .flatMap(v -> Arrays.stream(new int[] {v, v, v}))
                .toArray();
    }

    @Test
    void anEightBitGreySampleIsCopiedIntoRGB() throws Exception {
        int[] levels = {0, 1, 17, 42, 100, 128, 200, 254, 255};

        assertThat(decode(png(GREY, 8, levels.length, 1, levels))).containsExactly(repeatedThrice(levels));
    }

    @Test
    void aSixteenBitGreySampleKeepsItsHighByte() throws Exception {
        int[] samples = {0x0000, 0x2A80, 0x2AFF, 0x8000, 0xFFFF};

        assertThat(decode(png(GREY, 16, samples.length, 1, samples)))
                .containsExactly(repeatedThrice(0x00, 0x2A, 0x2A, 0x80, 0xFF));
    }

    @Test
    void twoBitGreyIsStretchedToTheFullRange() throws Exception {
        assertThat(decode(png(GREY, 2, 4, 1, new int[] {0, 1, 2, 3}))).containsExactly(repeatedThrice(0, 85, 170, 255));
    }

    @Test
    void greyWithAlphaKeepsTheGreyAndDropsTheAlpha() throws Exception {
        int[] greyAlpha = {42, 0, 42, 255, 200, 128};

        assertThat(decode(png(GREY_ALPHA, 8, 3, 1, greyAlpha))).containsExactly(repeatedThrice(42, 42, 200));
    }

    @Test
    void sixteenBitRgbKeepsEachSamplesHighByte() throws Exception {
        assertThat(decode(png(RGB, 16, 1, 1, new int[] {0x1234, 0xABCD, 0xFF00})))
                .containsExactly(0x12, 0xAB, 0xFF);
    }

    @Test
    void eightBitRgbIsTakenAsIs() throws Exception {
        assertThat(decode(png(RGB, 8, 2, 1, new int[] {42, 100, 200, 1, 2, 3}))).containsExactly(42, 100, 200, 1, 2, 3);
    }

    @Test
    void aGreyJpegGivesItsLumaSampleNotALinearToSrgbConversion() throws Exception {
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        byte[] flat = new byte[16 * 16];
        Arrays.fill(flat, (byte) 42);
        grey.getRaster().setDataElements(0, 0, 16, 16, flat);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam quality = writer.getDefaultWriteParam();
        quality.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        quality.setCompressionQuality(1.0f);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(jpeg)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(grey, null, null), quality);
        }
        writer.dispose();

        int[] rgb = decode(jpeg.toByteArray());

        assertThat(rgb).hasSize(16 * 16 * 3);
        assertThat(Arrays.stream(rgb).min().getAsInt()).isGreaterThanOrEqualTo(41);
        assertThat(Arrays.stream(rgb).max().getAsInt())
                .as("59.6 before the fix")
                .isLessThanOrEqualTo(43);
    }
}
