package org.transferlake.config;

import java.io.Serializable;

/**
 * A frozen backbone as configured: where its SavedModel is and how to feed it. Serializable so
 * Spark ships it to executors with the job.
 *
 * @param uri {@code bundled:<name>} for a model shipped in the jar, or a SavedModel directory or
 *     {@code .zip}/{@code .tar.gz} archive at any Hadoop URI (file://, s3a://, hdfs://, …)
 * @param signature the SavedModel signature key
 * @param inputName signature input to feed; empty = its only input
 * @param outputName signature output to read; empty = its only output
 */
public record BackboneSpec(
        String name,
        String uri,
        int inputHeight,
        int inputWidth,
        Preprocessing preprocessing,
        String signature,
        String inputName,
        String outputName,
        Pooling pooling)
        implements Serializable {

    public static final String BUNDLED_SCHEME = "bundled:";

    public boolean isBundled() {
        return uri.startsWith(BUNDLED_SCHEME);
    }
}
