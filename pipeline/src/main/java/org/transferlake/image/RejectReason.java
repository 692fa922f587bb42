package org.transferlake.image;

/** Why an image was refused; stored as the {@code reason} of its quarantine row. */
public enum RejectReason {
    /** Zero bytes. */
    EMPTY,
    /** No decoder recognises the bytes (not an image, or a format we do not read). */
    UNSUPPORTED_FORMAT,
    /** Recognised, but the bytes are corrupt (e.g. a PNG chunk that fails its CRC). */
    CORRUPT,
    /** Recognised, but the file stops early (a JPEG without its end, a PNG without IEND, ...). */
    TRUNCATED,
    /** The header declares more pixels than {@code embed.max-pixels}: refused before decoding. */
    TOO_LARGE
}
