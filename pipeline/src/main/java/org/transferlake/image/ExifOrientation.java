package org.transferlake.image;

/** Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 segment; 1 when absent or unreadable. */
final class ExifOrientation {
    private ExifOrientation() {}

    static int read(byte[] jpeg) {
        int offset = 2; // after SOI
        while (offset + 4 <= jpeg.length && (jpeg[offset] & 0xFF) == 0xFF) {
            int marker = jpeg[offset + 1] & 0xFF;
            int length = u16(jpeg, offset + 2, true);
            if (marker == 0xDA || length < 2) {
                return 1; // start of scan: no more metadata
            }
            if (marker == 0xE1
                    && offset + 10 <= jpeg.length
                    && new String(jpeg, offset + 4, 6, java.nio.charset.StandardCharsets.ISO_8859_1)
                            .equals("Exif\0\0")) {
                return fromTiff(jpeg, offset + 10, Math.min(jpeg.length, offset + 2 + length));
            }
            offset += 2 + length;
        }
        return 1;
    }

    private static int fromTiff(byte[] data, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean bigEndian = data[tiff] == 'M';
        int ifd = tiff + (int) u32(data, tiff + 4, bigEndian);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = u16(data, ifd, bigEndian);
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(data, entry, bigEndian) == 0x0112) {
                return u16(data, entry + 8, bigEndian);
            }
        }
        return 1;
    }

    private static int u16(byte[] data, int at, boolean bigEndian) {
        int a = data[at] & 0xFF;
        int b = data[at + 1] & 0xFF;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    private static long u32(byte[] data, int at, boolean bigEndian) {
        long high = u16(data, bigEndian ? at : at + 2, bigEndian);
        long low = u16(data, bigEndian ? at + 2 : at, bigEndian);
        return (high << 16) | low;
    }
}
