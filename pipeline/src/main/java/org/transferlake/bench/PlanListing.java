package org.transferlake.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.transferlake.config.Errors;

/**
 * Many empty {@code .png} files in a local directory, {@code directories} subdirectories of equal size,
 * for {@code extract --plan} over a large listing: a plan reads no bytes, so only the names count.
 * Kept; a {@code _DONE} marker (skipped by the listing) says the set is whole.
 */
final class PlanListing {
    private PlanListing() {}

    /** The {@code file:} root of {@code files} empty files under {@code dir}, created unless marked done. */
    static URI ensure(Path dir, long files, int directories) {
        Path marker = dir.resolve(ScaleImages.DONE_MARKER);
        if (!Files.exists(marker)) {
            long perDirectory = files / directories;
            IntStream.range(0, directories).parallel().forEach(directory -> {
                Path sub = dir.resolve(String.format("d%04d", directory));
                try {
                    Files.createDirectories(sub);
                    for (long file = 0; file < perDirectory; file++) {
                        Path path = sub.resolve(String.format("%09d.png", directory * perDirectory + file));
                        if (!Files.exists(path)) {
                            Files.createFile(path);
                        }
                    }
                } catch (IOException e) {
                    throw Errors.benchLocalFileFailed(sub, e);
                }
            });
            try {
                Files.createFile(marker);
            } catch (IOException e) {
                throw Errors.benchLocalFileFailed(marker, e);
            }
        }
        return dir.toAbsolutePath().toUri();
    }
}
