package org.transferlake.image;

/** An image that cannot be embedded; costs one quarantine row, never the job. */
public final class ImageRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    public ImageRejectedException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
