package org.transferlake.runs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Errors;

/**
 * One writing run per lake at a time: Delta's S3 log store is single-writer. The lock is an object
 * under the root; one older than the stale limit is taken to be from a crashed run and broken.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    private final FileSystem fs;
    private final Path path;
    private final String runId;

    private RunLock(FileSystem fs, Path path, String runId) {
        this.fs = fs;
        this.path = path;
        this.runId = runId;
    }

    public static Path location(URI root) {
        return new Path(root.resolve("_transferlake/run.lock"));
    }

    public static RunLock acquire(FileSystem fs, URI root, String job, String runId, Duration staleAfter) {
        Path path = location(root);
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                try (OutputStream out = fs.create(path, false)) {
                    out.write((runId + " " + InetAddress.getLocalHost().getHostName() + " " + Instant.now())
                            .getBytes(StandardCharsets.UTF_8));
                    return new RunLock(fs, path, runId);
                } catch (FileAlreadyExistsException held) {
                    FileStatus status = fs.getFileStatus(path);
                    Instant since = Instant.ofEpochMilli(status.getModificationTime());
                    String holder = holder(fs, path);
                    if (Duration.between(since, Instant.now()).compareTo(staleAfter) < 0) {
                        throw Errors.lockHeld(job, since, path, holder);
                    }
                    LOG.warn("Breaking a stale lake lock from {} ({}): older than {}", since, holder, staleAfter);
                    fs.delete(path, false);
                }
            }
            throw Errors.lockRetaken(job, path);
        } catch (IOException e) {
            throw Errors.lockNotWritable(job, path, e);
        }
    }

    private static String holder(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Releases the lock if it is still this run's: one broken as stale may since belong to another run. */
    @Override
    public void close() {
        try {
            String holder = holder(fs, path);
            if (!holder.startsWith(runId + " ")) {
                LOG.warn("The lake lock {} is no longer this run's ({}): leaving it to {}", path, runId, holder);
                return;
            }
            fs.delete(path, false);
        } catch (FileNotFoundException gone) {
            LOG.warn("The lake lock {} of run {} was already removed", path, runId);
        } catch (IOException e) {
            LOG.warn("Could not release the lake lock {}: {}; delete it by hand", path, e.getMessage());
        }
    }
}
