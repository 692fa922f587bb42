package org.transferlake.config;

/**
 * The one error type users see. Messages read {@code Cannot <action>: <reason>. <what to do>} and
 * name the key, path or value at fault, so a nightly job's log says how to fix the run. Only
 * {@link Errors} builds them, one method per error.
 */
public final class TransferlakeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure it is, so a scheduler can act on it (the command line's exit codes). */
    public enum Kind {
        /** The run failed: retrying later may help. */
        FAILED,
        /** The config, the model or the input is wrong: retrying as it is cannot help. */
        INVALID_INPUT,
        /** Another run holds the lake lock: nothing was done. */
        LOCK_HELD
    }

    private final Kind kind;

    private TransferlakeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Builds {@code Cannot <action>: <reason>. <fix>}.
     *
     * @param action what was attempted, e.g. {@code "load config"}
     * @param reason what is wrong, naming the key, path or value
     * @param fix what the reader should do; a full sentence
     */
    static TransferlakeException cannot(String action, String reason, String fix) {
        return cannot(action, reason, fix, null);
    }

    /** As {@link #cannot(String, String, String)}, keeping the underlying cause. */
    static TransferlakeException cannot(String action, String reason, String fix, Throwable cause) {
        return cannot(Kind.FAILED, action, reason, fix, cause);
    }

    /** As {@link #cannot(String, String, String, Throwable)}, of another {@link Kind} than a plain failure. */
    static TransferlakeException cannot(Kind kind, String action, String reason, String fix, Throwable cause) {
        return new TransferlakeException(kind, "Cannot " + action + ": " + reason + ". " + fix, cause);
    }

    /**
     * Ours, as {@code e} or among its causes: a task's error reaches the driver inside Spark's job
     * failure, and the reader wants ours, not "Job aborted".
     */
    public static java.util.Optional<TransferlakeException> within(Throwable e) {
        return firstCause(e, cause -> cause instanceof TransferlakeException).map(TransferlakeException.class::cast);
    }

    /** The first of {@code e} and its causes that is {@code wanted}. */
    public static java.util.Optional<Throwable> firstCause(
            Throwable e, java.util.function.Predicate<Throwable> wanted) {
        // Bounded: nothing stops two exceptions from naming each other as their cause.
        Throwable cause = e;
        for (int depth = 0; cause != null && depth < 100; depth++, cause = cause.getCause()) {
            if (wanted.test(cause)) {
                return java.util.Optional.of(cause);
            }
        }
        return java.util.Optional.empty();
    }
}
