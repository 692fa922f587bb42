package org.transferlake.source;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.transferlake.config.Errors;

/**
 * Fashion-MNIST (Zalando, MIT) read from its gzipped IDX files: from the Debian package
 * {@code dataset-fashion-mnist} when installed, else the 10k test split bundled in this jar.
 */
public final class FashionMnist {
    /** Class names in label order, spelled to be folder names. */
    public static final List<String> CLASS_NAMES = List.of(
            "t-shirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot");

    private static final String BUNDLED = "/org/transferlake/source/fashion-mnist/";
    private static final String TRAIN = "train";
    private static final String TEST = "t10k";

    /** One IDX split: {@code pixels} holds {@code count} images of {@code rows×cols} grey bytes, row-major. */
    public record Split(String name, int count, int rows, int cols, byte[] pixels, byte[] labels) {
        public int label(int index) {
            return labels[index];
        }

        /** A copy of the grey pixels of one image. */
        public byte[] image(int index) {
            int size = rows * cols;
            byte[] image = new byte[size];
            System.arraycopy(pixels, index * size, image, 0, size);
            return image;
        }
    }

    /** Both splits; {@code fromPackage} tells whether {@code train} is the real 60k train split. */
    public record Dataset(Split train, Split test, boolean fromPackage) {}

    private FashionMnist() {}

    /** True when {@code dir} holds the four IDX files of the Debian package. */
    public static boolean packageInstalled(Path dir) {
        return List.of(TRAIN, TEST).stream()
                .allMatch(split -> Files.isRegularFile(dir.resolve(split + "-images-idx3-ubyte.gz"))
                        && Files.isRegularFile(dir.resolve(split + "-labels-idx1-ubyte.gz")));
    }

    /**
     * Loads the package's train and test splits from {@code dir}, or, when it is not installed, the
     * bundled test split as both (callers then split it themselves).
     */
    public static Dataset load(Path dir) {
        if (packageInstalled(dir)) {
            return new Dataset(readSplit(dir, TRAIN), readSplit(dir, TEST), true);
        }
        Split bundled = readBundledTestSplit();
        return new Dataset(bundled, bundled, false);
    }

    /** The 10k test split that ships inside the jar. */
    public static Split readBundledTestSplit() {
        try (InputStream images = FashionMnist.class.getResourceAsStream(BUNDLED + TEST + "-images-idx3-ubyte.gz");
                InputStream labels = FashionMnist.class.getResourceAsStream(BUNDLED + TEST + "-labels-idx1-ubyte.gz")) {
            if (images == null || labels == null) {
                throw new IOException("resource " + BUNDLED + " is missing from the jar");
            }
            return read(TEST, images, labels);
        } catch (IOException e) {
            throw Errors.bundledFashionMnistUnreadable(e);
        }
    }

    private static Split readSplit(Path dir, String split) {
        Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
        try (InputStream imageStream = Files.newInputStream(images);
                InputStream labelStream = Files.newInputStream(dir.resolve(split + "-labels-idx1-ubyte.gz"))) {
            return read(split, imageStream, labelStream);
        } catch (IOException e) {
            throw Errors.fashionMnistUnreadable(images, e);
        }
    }

    static Split read(String name, InputStream gzImages, InputStream gzLabels) throws IOException {
        try (DataInputStream images = new DataInputStream(new GZIPInputStream(gzImages, 1 << 16));
                DataInputStream labels = new DataInputStream(new GZIPInputStream(gzLabels, 1 << 16))) {
            expectMagic(images.readInt(), 0x00000803, name + " images");
            int count = images.readInt();
            int rows = images.readInt();
            int cols = images.readInt();
            expectMagic(labels.readInt(), 0x00000801, name + " labels");
            int labelCount = labels.readInt();
            if (labelCount != count) {
                throw new IOException(name + " has " + count + " images but " + labelCount + " labels");
            }
            byte[] pixels = new byte[count * rows * cols];
            images.readFully(pixels);
            byte[] labelBytes = new byte[count];
            labels.readFully(labelBytes);
            return new Split(name, count, rows, cols, pixels, labelBytes);
        }
    }

    private static void expectMagic(int actual, int expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException(what + " is not an IDX file (magic " + Integer.toHexString(actual) + ")");
        }
    }
}
