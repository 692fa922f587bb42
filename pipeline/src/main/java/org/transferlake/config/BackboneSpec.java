package org.transferlake.config;

import java.io.Serializable;
import java.util.List;

/**
 * A frozen backbone as configured: where its SavedModel is and how to feed it. Serializable so
 * Spark ships it to executors with the job.
 *
 * @param uri {@code bundled:<name>} for a model shipped in the jar, or a SavedModel directory or
 *     {@code .zip}/{@code .tar.gz} archive at any Hadoop URI (file://, s3a://, hdfs://, …)
 * @param signature the SavedModel signature key
 * @param inputName signature input to feed; empty = its only input
 * @param outputName signature output to read; empty = its only output
 * @param cutLayers bundled backbones only: the layers whose outputs, global-average-pooled and
 *     concatenated, are the embedding; empty = the bundled backbone's default cut
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
        Pooling pooling,
        List<String> cutLayers)
        implements Serializable {

    public BackboneSpec {
        cutLayers = List.copyOf(cutLayers);
    }

    /** A spec with the default cut (every backbone that is not bundled). */
    public BackboneSpec(
            String name,
            String uri,
            int inputHeight,
            int inputWidth,
            Preprocessing preprocessing,
            String signature,
            String inputName,
            String outputName,
            Pooling pooling) {
        this(name, uri, inputHeight, inputWidth, preprocessing, signature, inputName, outputName, pooling, List.of());
    }

    public static final String BUNDLED_SCHEME = "bundled:";

    public boolean isBundled() {
        return uri.startsWith(BUNDLED_SCHEME);
    }
}
