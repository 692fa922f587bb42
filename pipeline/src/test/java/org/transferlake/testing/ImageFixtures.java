package org.transferlake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The committed image fixtures (pipeline/tools/images/make-fixtures.sh); see {@link PngEncoder} for made ones. */
public final class ImageFixtures {
    private ImageFixtures() {}

    /** Where {@code ascii} (e.g. a PNG chunk type) first occurs in {@code bytes}. */
    public static int indexOf(byte[] bytes, String ascii) {
        return indexOf(bytes, ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Where {@code needle} first occurs in {@code bytes}; fails the test when it does not. */
    public static int indexOf(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(java.util.Arrays.toString(needle) + " not found");
    }

    public static byte[] fixture(String name) {
        try (InputStream in = ImageFixtures.class.getResourceAsStream("/org/transferlake/image/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
