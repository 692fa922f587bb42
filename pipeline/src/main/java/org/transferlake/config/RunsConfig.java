package org.transferlake.config;

/**
 * How runs share the lake and what a nightly does.
 *
 * @param lockExpiryMinutes how long a lock's heartbeat may be silent before the lock counts as abandoned
 * @param retrainMinNewLabels labelled feature rows that must have arrived since the backbone's last
 *     training before a nightly trains again
 * @param maintainNightly whether a nightly ends with {@code maintain}
 * @param vacuumRetentionHours how old unreferenced files must be before VACUUM deletes them
 */
public record RunsConfig(
        int lockExpiryMinutes, int retrainMinNewLabels, boolean maintainNightly, int vacuumRetentionHours) {
    /** Delta's own floor: a shorter retention can delete files a running reader still needs. */
    public static final int MIN_SAFE_VACUUM_RETENTION_HOURS = 168;
}
