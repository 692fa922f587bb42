package org.transferlake.backbone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.transferlake.config.BackboneSpec;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.Resizer;

/**
 * A backbone id names everything that determines an embedding, so one feature space never mixes two
 * ways of computing: {@code <name>@sha256:<model digest>+<spec digest>}. The model digest covers the
 * model's files (and, for a bundled backbone, its cut layers and importer); the spec digest covers
 * how the model is applied: signature, input and output tensors, input size, resize method,
 * preprocessing, pooling and decoder version. Changing any of them means a new id and a full embed
 * under it, while rows under the old id stay queryable.
 */
public final class BackboneId {
    /** Hex digits of the spec digest kept in the id: 64 bits, plenty for the specs one model meets. */
    private static final int SPEC_DIGEST_CHARS = 16;

    private BackboneId() {}

    /** The id of {@code spec} applied to the model whose content id is {@code modelId}. */
    public static String of(String modelId, BackboneSpec spec) {
        MessageDigest digest = Digests.sha256();
        digest.update(describe(spec).getBytes(StandardCharsets.UTF_8));
        return modelId + "+" + Digests.hex(digest).substring(0, SPEC_DIGEST_CHARS);
    }

    /** The model part of a backbone id: {@code <name>@sha256:<model digest>}. */
    public static String modelId(String backboneId) {
        int plus = backboneId.indexOf('+');
        return plus < 0 ? backboneId : backboneId.substring(0, plus);
    }

    /** The spec as the id digests it, for people ({@code backbone show}) as much as for the digest. */
    public static String describe(BackboneSpec spec) {
        return String.join(
                ";",
                "signature=" + spec.signature(),
                "input=" + spec.inputName(),
                "output=" + spec.outputName(),
                "size=" + spec.inputHeight() + "x" + spec.inputWidth(),
                "resize=" + Resizer.METHOD,
                "preprocessing=" + spec.preprocessing().name().toLowerCase(Locale.ROOT),
                "pooling=" + spec.pooling().name().toLowerCase(Locale.ROOT),
                "decoder=" + ImageDecoder.VERSION);
    }
}
