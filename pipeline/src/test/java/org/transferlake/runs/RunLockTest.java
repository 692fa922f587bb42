package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.TransferlakeException;

@Tag("unit")
class RunLockTest {
    @TempDir
    java.nio.file.Path dir;

    private final FileSystem fs = localFileSystem();

    /** Another thread stands for another driver: runs nested in one thread share the lock. */
    private RunLock acquireElsewhere(URI root, String job, String runId, Duration expiry) throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> RunLock.acquire(fs, root, job, runId, expiry))
                    .get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
        URI root = dir.toUri();
        try (RunLock first = RunLock.acquire(fs, root, "extract", "extract-1", Duration.ofMinutes(10))) {
            assertThatThrownBy(() -> acquireElsewhere(root, "train", "train-2", Duration.ofMinutes(10)))
                    .isInstanceOfSatisfying(
                            TransferlakeException.class,
                            e -> assertThat(e.kind()).isEqualTo(TransferlakeException.Kind.LOCK_HELD))
                    .hasMessage("Cannot start train: another run holds the lake lock " + RunLock.location(root)
                            + ": " + first.owner() + ". Nothing was changed. Wait for it to finish; a run that died"
                            + " is taken over once its heartbeat has stopped for runs.lock-expiry-minutes.");
            assertThat(first.owner().toString())
                    .startsWith("run extract-1 (extract) on ")
                    .contains(", pid " + ProcessHandle.current().pid() + ", heartbeat ");
        }
        try (RunLock again = acquireElsewhere(root, "train", "train-3", Duration.ofMinutes(10))) {
            assertThat(fs.exists(RunLock.location(root)))
                    .as("released by close, then taken again")
                    .isTrue();
        }
        assertThat(fs.exists(RunLock.location(root))).isFalse();
    }

    @Test
    void aLiveHoldersLockIsNeverBrokenHoweverLongItRuns() throws Exception {
        URI root = dir.toUri();
        Duration expiry = Duration.ofMillis(1000);
        try (RunLock holder = RunLock.acquire(fs, root, "nightly", "nightly-1", expiry)) {
            Instant acquired = RunLock.Owner.parse(content(root)).orElseThrow().heartbeatAt();
            for (int check = 0; check < 4; check++) {
                Thread.sleep(expiry.toMillis());
                assertThatThrownBy(() -> acquireElsewhere(root, "nightly", "nightly-2", expiry))
                        .as("after %d expiries", check + 1)
                        .hasMessageContaining("another run holds the lake lock");
            }
            assertThat(RunLock.Owner.parse(content(root)).orElseThrow().heartbeatAt())
                    .as("renewed by the heartbeat")
                    .isAfter(acquired.plus(expiry.multipliedBy(3)));
        }
    }

    @Test
    void aLockWhoseHeartbeatStoppedIsTakenOverNamingTheOldOwner() throws Exception {
        URI root = dir.toUri();
        Instant dead = Instant.now().minus(Duration.ofMinutes(11));
        RunLock.Owner crashed = new RunLock.Owner("nightly-crashed", "nightly", "host-a", 4242, dead, dead);
        write(root, crashed.render());

        try (RunLock taken = RunLock.acquire(fs, root, "nightly", "nightly-new", Duration.ofMinutes(10))) {
            assertThat(taken.tookOverFrom()).contains(crashed);
            assertThat(RunLock.Owner.parse(content(root)).orElseThrow().runId()).isEqualTo("nightly-new");
        }
        assertThat(fs.exists(RunLock.location(root)))
                .as("released by its holder")
                .isFalse();
    }

    @Test
    void aLockInTheOlderFormatCountsItsModificationTimeAsItsHeartbeat() throws Exception {
        URI root = dir.toUri();
        write(root, "extract-old vm 2026-11-30T01:00:00Z");
        assertThatThrownBy(() -> RunLock.acquire(fs, root, "extract", "extract-2", Duration.ofMinutes(10)))
                .hasMessageContaining("run unknown (unknown) on unknown");

        fs.setTimes(
                RunLock.location(root),
                System.currentTimeMillis() - Duration.ofMinutes(11).toMillis(),
                -1);
        try (RunLock taken = RunLock.acquire(fs, root, "extract", "extract-3", Duration.ofMinutes(10))) {
            assertThat(taken.tookOverFrom()).isPresent();
        }
    }

    @Test
    void runsNestedInOneThreadShareTheLockAndTheLastReleasesIt() throws Exception {
        URI root = dir.toUri();
        try (RunLock nightly = RunLock.acquire(fs, root, "nightly", "nightly-1", Duration.ofMinutes(10))) {
            try (RunLock extract = RunLock.acquire(fs, root, "extract", "extract-1", Duration.ofMinutes(10))) {
                assertThat(extract.owner().runId()).isEqualTo("nightly-1");
            }
            assertThat(fs.exists(RunLock.location(root)))
                    .as("still the nightly's")
                    .isTrue();
        }
        assertThat(fs.exists(RunLock.location(root))).isFalse();
    }

    @Test
    void aRunWhoseLockWasTakenOverDoesNotReleaseTheNewHoldersLock() throws Exception {
        URI root = dir.toUri();
        RunLock slow = RunLock.acquire(fs, root, "extract", "extract-slow", Duration.ofMinutes(10));
        Instant dead = Instant.now().minus(Duration.ofMinutes(11));
        // As if its heartbeat had stopped and another driver took the lock over.
        write(root, new RunLock.Owner("extract-new", "extract", "host-b", 7, dead, Instant.now()).render());

        slow.close();
        assertThat(RunLock.Owner.parse(content(root)).orElseThrow().runId()).isEqualTo("extract-new");
    }

    private void write(URI root, String text) throws Exception {
        try (OutputStream out = fs.create(RunLock.location(root), true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String content(URI root) throws Exception {
        try (java.io.InputStream in = fs.open(RunLock.location(root))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static FileSystem localFileSystem() {
        try {
            return FileSystem.getLocal(new Configuration()).getRawFileSystem();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
