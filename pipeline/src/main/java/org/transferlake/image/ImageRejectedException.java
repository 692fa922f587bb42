package org.transferlake.image;

/** An image that cannot be embedded; costs one quarantine row, never the job. */
public final class ImageRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RejectReason reason;

    public ImageRejectedException(RejectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A file of zero bytes. Spark's file sources skip those, so the extract quarantines them from the listing too. */
    public static ImageRejectedException emptyFile() {
        return new ImageRejectedException(RejectReason.EMPTY, "the file is empty");
    }

    public RejectReason reason() {
        return reason;
    }
}
