package org.transferlake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The committed image fixtures (pipeline/tools/images/make-fixtures.sh); see {@link PngEncoder} for made ones. */
public final class ImageFixtures {
    private ImageFixtures() {}

    public static byte[] fixture(String name) {
        try (InputStream in = ImageFixtures.class.getResourceAsStream("/org/transferlake/image/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
