package org.transferlake.runs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Errors;

/**
 * One writing run per lake at a time: Delta's S3 log store is single-writer. The lock is an object
 * under the root naming its owner (run id, job, host, pid) and a heartbeat that the holder renews
 * every fifth of the expiry while it runs. A lock whose heartbeat stopped for longer than the expiry
 * belongs to a run that died: it is taken over, with a warning naming the old owner. A live
 * holder's lock is never broken, however long its run takes.
 *
 * <p>Runs nested in one thread share it: a run started by a thread that holds the lock (a nightly's
 * extract, train and score) joins it instead of waiting for itself. S3A has no atomic create-if-absent, so
 * two runs starting within the same second could both take a free lock; the lock is re-read after
 * writing to narrow that window, and a scheduler runs one nightly at a time.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** Locks this thread holds, by path. */
    private static final ThreadLocal<Map<Path, RunLock>> HELD = ThreadLocal.withInitial(ConcurrentHashMap::new);

    private final FileSystem fs;
    private final Path path;
    private final Owner owner;
    private final Duration expiry;
    private final Optional<Owner> tookOverFrom;
    private final ScheduledExecutorService heartbeat;
    private int sharers = 1;
    /** The holding thread's map, so a close from another thread still forgets the lock there. */
    private Map<Path, RunLock> heldIn;

    /** Who holds a lock, as the lock object records it. */
    public record Owner(String runId, String job, String host, long pid, Instant acquiredAt, Instant heartbeatAt) {
        String render() {
            return "run_id=" + runId + "\njob=" + job + "\nhost=" + host + "\npid=" + pid + "\nacquired_at="
                    + acquiredAt + "\nheartbeat_at=" + heartbeatAt + "\n";
        }

        Owner beating(Instant now) {
            return new Owner(runId, job, host, pid, acquiredAt, now);
        }

        /** The owner a lock object names, if it is in this format (a lock of an older version is not). */
        static Optional<Owner> parse(String text) {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
                return Optional.of(new Owner(
                        p.getProperty("run_id"),
                        p.getProperty("job"),
                        p.getProperty("host"),
                        Long.parseLong(p.getProperty("pid")),
                        Instant.parse(p.getProperty("acquired_at")),
                        Instant.parse(p.getProperty("heartbeat_at"))));
            } catch (IOException | RuntimeException unreadable) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return "run " + runId + " (" + job + ") on " + host + ", pid " + pid + ", heartbeat " + heartbeatAt;
        }
    }

    private RunLock(FileSystem fs, Path path, Owner owner, Duration expiry, Optional<Owner> tookOverFrom) {
        this.fs = fs;
        this.path = path;
        this.owner = owner;
        this.expiry = expiry;
        this.tookOverFrom = tookOverFrom;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "transferlake-lock-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, expiry.toMillis() / 5);
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    public static Path location(URI root) {
        return new Path(root.resolve("_transferlake/run.lock"));
    }

    /**
     * Takes the lake lock for {@code runId}, or joins it if this thread already holds it.
     *
     * @param expiry how long a heartbeat may be missing before the lock counts as abandoned
     */
    public static RunLock acquire(FileSystem fs, URI root, String job, String runId, Duration expiry) {
        Path path = location(root);
        RunLock held = HELD.get().get(path);
        if (held != null) {
            held.sharers++;
            LOG.info("{} {} runs under the lake lock of {}", job, runId, held.owner.runId());
            return held;
        }
        RunLock taken = take(fs, path, job, runId, expiry);
        taken.heldIn = HELD.get();
        taken.heldIn.put(path, taken);
        return taken;
    }

    private static RunLock take(FileSystem fs, Path path, String job, String runId, Duration expiry) {
        try {
            Instant now = Instant.now();
            Owner owner = new Owner(runId, job, host(), ProcessHandle.current().pid(), now, now);
            Optional<Owner> previous = Optional.empty();
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    write(fs, path, owner, false);
                    if (!owner.equals(read(fs, path).orElse(null))) {
                        throw Errors.lockRetaken(job, path);
                    }
                    previous.ifPresent(old -> LOG.warn(
                            "Took over the lake lock {} from {}: no heartbeat for more than {}", path, old, expiry));
                    return new RunLock(fs, path, owner, expiry, previous);
                } catch (FileAlreadyExistsException held) {
                    Owner holder = currentOwner(fs, path);
                    Duration silent = Duration.between(holder.heartbeatAt(), Instant.now());
                    if (silent.compareTo(expiry) < 0) {
                        throw Errors.lockHeld(job, path, holder.toString());
                    }
                    previous = Optional.of(holder);
                    fs.delete(path, false);
                }
            }
            throw Errors.lockRetaken(job, path);
        } catch (FileNotFoundException released) {
            // Released between our create and our read: try once more from the start.
            return take(fs, path, job, runId, expiry);
        } catch (IOException e) {
            throw Errors.lockNotWritable(job, path, e);
        }
    }

    /** The lock's owner; a lock in an older format counts its last modification as its heartbeat. */
    private static Owner currentOwner(FileSystem fs, Path path) throws IOException {
        Optional<Owner> parsed = read(fs, path);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        Instant modified = Instant.ofEpochMilli(fs.getFileStatus(path).getModificationTime());
        return new Owner("unknown", "unknown", "unknown", -1, modified, modified);
    }

    private static Optional<Owner> read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return Owner.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Optional<Owner> readIfPresent(FileSystem fs, Path path) throws IOException {
        try {
            return read(fs, path);
        } catch (FileNotFoundException gone) {
            return Optional.empty();
        }
    }

    private static void write(FileSystem fs, Path path, Owner owner, boolean overwrite) throws IOException {
        try (OutputStream out = fs.create(path, overwrite)) {
            out.write(owner.render().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The owner this lock replaced because its heartbeat had stopped, if it did. */
    public Optional<Owner> tookOverFrom() {
        return tookOverFrom;
    }

    public Owner owner() {
        return owner;
    }

    /** Renews the heartbeat while the lock is still ours; an object store that is briefly down only delays it. */
    private void beat() {
        try {
            Optional<Owner> current = readIfPresent(fs, path);
            if (current.isEmpty() || !current.get().runId().equals(owner.runId())) {
                LOG.error(
                        "The lake lock {} is no longer run {}'s ({}): stopping its heartbeat",
                        path,
                        owner.runId(),
                        current.map(Owner::toString).orElse("removed"));
                heartbeat.shutdown();
                return;
            }
            write(fs, path, owner.beating(Instant.now()), true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not renew the heartbeat of the lake lock {}: {}", path, e.getMessage());
        }
    }

    /** Releases the lock when the last run sharing it ends, if it is still this run's. */
    @Override
    public void close() {
        if (--sharers > 0) {
            return;
        }
        heldIn.remove(path, this);
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(expiry.toMillis(), TimeUnit.MILLISECONDS);
            Optional<Owner> current = read(fs, path);
            if (current.isEmpty() || !current.get().runId().equals(owner.runId())) {
                LOG.warn(
                        "The lake lock {} is no longer run {}'s ({}): leaving it",
                        path,
                        owner.runId(),
                        current.map(Owner::toString).orElse("unreadable"));
                return;
            }
            fs.delete(path, false);
        } catch (FileNotFoundException gone) {
            LOG.warn("The lake lock {} of run {} was already removed", path, owner.runId());
        } catch (IOException e) {
            LOG.warn(
                    "Could not release the lake lock {}: {}. The next run takes it over {} after this run's last"
                            + " heartbeat (runs.lock-expiry-minutes), or delete it by hand",
                    path,
                    e.getMessage(),
                    expiry.toMinutes() + " min");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while releasing the lake lock {}; delete it by hand", path);
        }
    }
}
