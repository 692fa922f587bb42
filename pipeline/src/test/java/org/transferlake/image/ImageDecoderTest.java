package org.transferlake.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.transferlake.testing.ImageFixtures.fixture;
import static org.transferlake.testing.ImageFixtures.indexOf;
import static org.transferlake.testing.PngEncoder.headerOnly;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fixtures (pipeline/tools/images/make-fixtures.sh): 3×2 blocks of 16×16 px: red green blue / white black grey. */
@Tag("unit")
class ImageDecoderTest {
    private static final int[][][] BLOCKS = {
        {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}},
        {{255, 255, 255}, {0, 0, 0}, {128, 128, 128}}
    };
    private static final long LIMIT = 50_000_000L;

    private static int[] pixel(RgbImage image, int x, int y) {
        int i = (y * image.width() + x) * 3;
        return new int[] {image.rgb()[i] & 0xFF, image.rgb()[i + 1] & 0xFF, image.rgb()[i + 2] & 0xFF};
    }

    private static void assertBlocks(RgbImage image, int tolerance) {
        assertThat(image.width()).isEqualTo(48);
        assertThat(image.height()).isEqualTo(32);
        for (int by = 0; by < 2; by++) {
            for (int bx = 0; bx < 3; bx++) {
                int[] actual = pixel(image, bx * 16 + 8, by * 16 + 8);
                for (int c = 0; c < 3; c++) {
                    assertThat(actual[c])
                            .as("block %d,%d channel %d", bx, by, c)
                            .isBetween(BLOCKS[by][bx][c] - tolerance, BLOCKS[by][bx][c] + tolerance);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "rgb.png, 0",
        "palette.png, 0",
        "rgb16.png, 0",
        "rgb.bmp, 0",
        "two-frames.gif, 0",
        "rgb.jpg, 6",
        "cmyk.jpg, 12"
    })
    void everyFormatAndColourModelBecomesTheSameRgb(String file, int tolerance) throws Exception {
        assertBlocks(ImageDecoder.decode(fixture(file), LIMIT), tolerance);
    }

    @Test
    void greyWithAlphaBecomesGreyRgb() throws Exception {
        RgbImage image = ImageDecoder.decode(fixture("grey-alpha.png"), LIMIT);
        for (int by = 0; by < 2; by++) {
            for (int bx = 0; bx < 3; bx++) {
                int[] p = pixel(image, bx * 16 + 8, by * 16 + 8);
                assertThat(p[0]).isEqualTo(p[1]).isEqualTo(p[2]);
            }
        }
        assertThat(pixel(image, 8, 24)).containsExactly(255, 255, 255);
        assertThat(pixel(image, 24, 24)).containsExactly(0, 0, 0);
    }

    @Test
    void exifOrientationSixIsRotatedClockwise() throws Exception {
        RgbImage image = ImageDecoder.decode(fixture("exif-rotate-cw.jpg"), LIMIT);
        assertThat(image.width()).isEqualTo(32);
        assertThat(image.height()).isEqualTo(48);
        // Rotating [R G B / W K grey] clockwise: rows become W R / K G / grey B.
        int[][][] expected = {{{255, 255, 255}, {255, 0, 0}}, {{0, 0, 0}, {0, 255, 0}}, {{128, 128, 128}, {0, 0, 255}}};
        for (int by = 0; by < 3; by++) {
            for (int bx = 0; bx < 2; bx++) {
                int[] actual = pixel(image, bx * 16 + 8, by * 16 + 8);
                for (int c = 0; c < 3; c++) {
                    assertThat(actual[c])
                            .as("block %d,%d", bx, by)
                            .isBetween(expected[by][bx][c] - 6, expected[by][bx][c] + 6);
                }
            }
        }
    }

    @Test
    void everyOrientationMovesEveryPixelAsExifDefines() {
        // 3×2 image, red channel:  1 2 3
        //                          4 5 6
        byte[] rgb = new byte[18];
        for (int i = 0; i < 6; i++) {
            rgb[3 * i] = (byte) (i + 1);
        }
        RgbImage image = new RgbImage(3, 2, rgb);
        String[] expected = {
            null,
            null,
            "3x2:3,2,1,6,5,4", // mirrored
            "3x2:6,5,4,3,2,1", // rotated 180°
            "3x2:4,5,6,1,2,3", // flipped
            "2x3:1,4,2,5,3,6", // transposed
            "2x3:4,1,5,2,6,3", // rotated 90° clockwise
            "2x3:6,3,5,2,4,1", // transversed
            "2x3:3,6,2,5,1,4" // rotated 90° counter-clockwise
        };
        for (int orientation = 2; orientation <= 8; orientation++) {
            RgbImage out = ImageDecoder.orient(image, orientation);
            StringBuilder reds = new StringBuilder(out.width() + "x" + out.height() + ":");
            for (int i = 0; i < 6; i++) {
                reds.append(i == 0 ? "" : ",").append(out.rgb()[3 * i]);
            }
            assertThat(reds.toString()).as("orientation " + orientation).isEqualTo(expected[orientation]);
        }
        assertThat(ImageDecoder.orient(image, 1)).as("1: as stored").isSameAs(image);
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeader() {
        byte[] bomb = headerOnly(100_000, 100_000);
        assertThatThrownBy(() -> ImageDecoder.decode(bomb, LIMIT))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.TOO_LARGE))
                .hasMessage("its header declares 100000x100000 = 10000000000 pixels, over the limit of 50000000");
    }

    @Test
    void emptyGarbageAndTruncatedBytesAreRefusedWithTheirReason() throws Exception {
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[0], LIMIT))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.EMPTY))
                .hasMessage("the file is empty");
        assertThatThrownBy(() -> ImageDecoder.decode("not an image at all".getBytes(), LIMIT))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNSUPPORTED_FORMAT))
                .hasMessage("no image decoder recognises these 19 bytes");
    }

    private static RejectReason reasonFor(byte[] bytes) {
        try {
            ImageDecoder.decode(bytes, LIMIT);
            return null;
        } catch (ImageRejectedException e) {
            return e.reason();
        }
    }

    @ParameterizedTest(name = "{0} cut to {1}")
    @CsvSource({
        "rgb.jpg, 0.9",
        "rgb.jpg, 0.98",
        "rgb.png, 0.1",
        "rgb.png, 0.5",
        "rgb.png, 0.9",
        "rgb.png, 0.98",
        "two-frames.gif, 0.5",
        "two-frames.gif, 0.9",
        "rgb.bmp, 0.9"
    })
    void aTruncatedFileIsRefusedNotPadded(String file, double kept) {
        byte[] whole = fixture(file);
        byte[] cut = java.util.Arrays.copyOf(whole, (int) (whole.length * kept));

        assertThat(reasonFor(whole)).as("the whole file decodes").isNull();
        assertThat(reasonFor(cut)).isEqualTo(RejectReason.TRUNCATED);
    }

    @Test
    void zerosAfterAGifsTrailerAreIgnoredAsReadersIgnoreThem() {
        byte[] gif = fixture("two-frames.gif");

        assertThat(reasonFor(java.util.Arrays.copyOf(gif, gif.length + 16))).isNull();
    }

    @Test
    void aTruncatedJpegNamesTheReadersWarning() {
        byte[] jpeg = fixture("rgb.jpg");
        byte[] cut = java.util.Arrays.copyOf(jpeg, jpeg.length * 9 / 10);

        assertThatThrownBy(() -> ImageDecoder.decode(cut, LIMIT))
                .hasMessage("decoding stopped early: Truncated File - Missing EOI marker");
    }

    @Test
    void aCriticalChunkThatFailsItsCrcIsRefusedAnAncillaryOneIsNot() throws Exception {
        byte[] png = fixture("rgb.png");
        int idat = indexOf(png, "IDAT");
        byte[] badData = png.clone();
        badData[idat + 8] ^= 0x01; // a byte of the compressed pixels, CRC unchanged

        assertThatThrownBy(() -> ImageDecoder.decode(badData, LIMIT))
                .isInstanceOfSatisfying(
                        ImageRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.CORRUPT))
                .hasMessage("its critical IDAT chunk at byte " + (idat - 4) + " fails its CRC");

        // A tEXt chunk with a wrong CRC before IEND: libpng only warns, and so do we (it decodes).
        int iend = indexOf(png, "IEND") - 4;
        byte[] text = {0, 0, 0, 1, 't', 'E', 'X', 't', 'x', 0, 0, 0, 0};
        byte[] withBadText = new byte[png.length + text.length];
        System.arraycopy(png, 0, withBadText, 0, iend);
        System.arraycopy(text, 0, withBadText, iend, text.length);
        System.arraycopy(png, iend, withBadText, iend + text.length, png.length - iend);
        assertThat(reasonFor(withBadText)).isNull();
    }
}
