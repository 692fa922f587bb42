package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class RunLockTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        URI root = dir.toUri();
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        try (RunLock first = RunLock.acquire(fs, root, "extract", "extract-1", Duration.ofHours(6))) {
            assertThatThrownBy(() -> RunLock.acquire(fs, root, "train", "train-2", Duration.ofHours(6)))
                    .hasMessageStartingWith("Cannot start train: another run holds the lake lock since ")
                    .hasMessageContaining(RunLock.location(root) + ": extract-1 ")
                    .hasMessageEndingWith("Wait for it to finish; if it died, delete " + RunLock.location(root)
                            + " or wait until it is older than runs.lock-stale-after-minutes.");
        }
        try (RunLock again = RunLock.acquire(fs, root, "train", "train-3", Duration.ofHours(6))) {
            assertThat(fs.exists(RunLock.location(root)))
                    .as("released by close, then taken again")
                    .isTrue();
        }
        assertThat(fs.exists(RunLock.location(root))).isFalse();
    }

    @Test
    void aStaleLockIsBroken() throws Exception {
        URI root = dir.toUri();
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        RunLock crashed = RunLock.acquire(fs, root, "extract", "extract-crashed", Duration.ofHours(6));
        fs.setTimes(
                RunLock.location(root),
                System.currentTimeMillis() - Duration.ofHours(7).toMillis(),
                -1);

        try (RunLock taken = RunLock.acquire(fs, root, "extract", "extract-new", Duration.ofHours(6))) {
            assertThat(holder(fs, root)).startsWith("extract-new ");
            // The stale run was not dead after all: its release must not free the new holder's lock.
            crashed.close();
            assertThat(holder(fs, root)).startsWith("extract-new ");
        }
        assertThat(fs.exists(RunLock.location(root)))
                .as("released by its holder")
                .isFalse();
    }

    private static String holder(FileSystem fs, URI root) throws Exception {
        try (java.io.InputStream in = fs.open(RunLock.location(root))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
