package org.transferlake.config;

/**
 * How runs share the lake and what a nightly does.
 *
 * @param lockExpiryMinutes how long a lock's heartbeat may be silent before the lock counts as abandoned
 * @param checkpointDir where runs checkpoint: {@value #AUTO_CHECKPOINTS}, {@value #LOCAL_CHECKPOINTS} or a
 *     directory URI
 * @param retrainMinNewLabels labelled feature rows that must have arrived since the backbone's last
 *     training before a nightly trains again
 * @param maintainNightly whether a nightly ends with {@code maintain}
 * @param vacuumRetentionHours how old unreferenced files must be before VACUUM deletes them
 */
public record RunsConfig(
        int lockExpiryMinutes,
        String checkpointDir,
        int retrainMinNewLabels,
        boolean maintainNightly,
        int vacuumRetentionHours) {
    /** Local checkpoints in {@code local[…]} mode, the lake's {@code _checkpoints/} on clusters. */
    public static final String AUTO_CHECKPOINTS = "auto";
    /** Checkpoints in the executors' block stores, lost with an executor. */
    public static final String LOCAL_CHECKPOINTS = "local";

    /** Delta's own floor: a shorter retention can delete files a running reader still needs. */
    public static final int MIN_SAFE_VACUUM_RETENTION_HOURS = 168;
}
