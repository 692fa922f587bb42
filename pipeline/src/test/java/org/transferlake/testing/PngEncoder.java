package org.transferlake.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal PNG writer for tests: the samples are exactly the ones given (no filter, no colour
 * conversion), so a decoder's output can be checked against values known by construction rather
 * than against another decoder's opinion.
 */
public final class PngEncoder {
    /** PNG colour types. */
    public static final int GREY = 0;

    public static final int RGB = 2;
    public static final int GREY_ALPHA = 4;

    private PngEncoder() {}

    /**
     * @param samples row by row, pixel by pixel, channel by channel (grey: 1, grey+alpha: 2, RGB: 3)
     * @param bitDepth 1, 2, 4, 8 or 16 (below 8: grey only)
     */
    public static byte[] png(int colourType, int bitDepth, int width, int height, int[] samples) {
        int channels = colourType == GREY ? 1 : colourType == GREY_ALPHA ? 2 : 3;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < height; y++) {
            raw.write(0); // filter type: none
            int bitBuffer = 0;
            int bitCount = 0;
            for (int i = 0; i < width * channels; i++) {
                int sample = samples[y * width * channels + i];
                if (bitDepth == 16) {
                    raw.write(sample >> 8);
                    raw.write(sample & 0xFF);
                } else if (bitDepth == 8) {
                    raw.write(sample);
                } else {
                    bitBuffer = (bitBuffer << bitDepth) | sample;
                    bitCount += bitDepth;
                    if (bitCount == 8) {
                        raw.write(bitBuffer);
                        bitBuffer = 0;
                        bitCount = 0;
                    }
                }
            }
            if (bitCount > 0) {
                raw.write(bitBuffer << (8 - bitCount));
            }
        }
        ByteArrayOutputStream out = signatureAndHeader(colourType, bitDepth, width, height);
        chunk(out, "IDAT", deflate(raw.toByteArray()));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The signature and a valid IHDR declaring {@code width × height} 8-bit RGB, and nothing else. */
    public static byte[] headerOnly(int width, int height) {
        return signatureAndHeader(RGB, 8, width, height).toByteArray();
    }

    private static ByteArrayOutputStream signatureAndHeader(int colourType, int bitDepth, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer header = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) bitDepth)
                .put((byte) colourType)
                .put(new byte[] {0, 0, 0});
        chunk(out, "IHDR", header.array());
        return out;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
