package org.transferlake.config;

/**
 * The one error type users see. Messages read {@code Cannot <action>: <reason>. <what to do>} and
 * name the key, path or value at fault, so a nightly job's log says how to fix the run. Only
 * {@link Errors} builds them, one method per error.
 */
public final class TransferlakeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private TransferlakeException(String message, Throwable cause) {
        super(message, cause);
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
        return new TransferlakeException("Cannot " + action + ": " + reason + ". " + fix, cause);
    }
}
