package org.transferlake.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * What libpng checks and Java's PNG reader does not: each chunk is whole, each critical chunk
 * (IHDR, PLTE, IDAT, IEND: an upper-case first letter) matches its CRC, and the file reaches IEND.
 * Java's reader pads a truncated image and ignores CRCs; TensorFlow and PIL refuse such files.
 * Ancillary chunks with a bad CRC are let through, as libpng does by default.
 */
final class PngChunks {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private PngChunks() {}

    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Refuses a PNG that stops early ({@code TRUNCATED}) or whose critical chunk fails its CRC ({@code CORRUPT}). */
    static void check(byte[] png) throws ImageRejectedException {
        int offset = SIGNATURE.length;
        while (offset + 8 <= png.length) {
            long length = readUnsignedInt(png, offset);
            String type = new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1);
            long end = offset + 12 + length;
            if (end > png.length) {
                throw truncated("its " + type + " chunk at byte " + offset + " declares " + length
                        + " bytes but the file ends " + (end - png.length) + " bytes short");
            }
            boolean critical = Character.isUpperCase(type.charAt(0));
            if (critical) {
                CRC32 crc = new CRC32();
                crc.update(png, offset + 4, (int) length + 4);
                if (crc.getValue() != readUnsignedInt(png, (int) (offset + 8 + length))) {
                    throw new ImageRejectedException(
                            RejectReason.CORRUPT,
                            "its critical " + type + " chunk at byte " + offset + " fails its CRC");
                }
            }
            if (type.equals("IEND")) {
                return;
            }
            offset = (int) end;
        }
        throw truncated("the file ends after " + png.length + " bytes without an IEND chunk");
    }

    private static ImageRejectedException truncated(String why) {
        return new ImageRejectedException(RejectReason.TRUNCATED, why);
    }

    private static long readUnsignedInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFFL) << 24)
                | ((bytes[at + 1] & 0xFFL) << 16)
                | ((bytes[at + 2] & 0xFFL) << 8)
                | (bytes[at + 3] & 0xFFL);
    }
}
