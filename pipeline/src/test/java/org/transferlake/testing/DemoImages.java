package org.transferlake.testing;

import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.transferlake.config.DemoConfig;
import org.transferlake.source.DemoData;

/** Demo images for tests: sampled from the bundled Fashion-MNIST split, written without a progress line. */
public final class DemoImages {
    private DemoImages() {}

    /** Writes {@code trainPerClass} + {@code testPerClass} images per class, seeded, under {@code root}. */
    public static DemoData.Result write(FileSystem fs, URI root, int trainPerClass, int testPerClass, long seed) {
        DemoConfig config = new DemoConfig(Path.of("/nonexistent"), trainPerClass, testPerClass, seed);
        return DemoData.write(DemoData.plan(config, fs, root), fs, root, written -> {});
    }
}
