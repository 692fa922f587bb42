package org.transferlake.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The backbones shipped in the jar (TF.js layers models from nsfwjs 4.4.0, MIT), each with the
 * input size its graph is built for and the layers it is cut at by default. The cuts were chosen by
 * {@code bench accuracy} on Fashion-MNIST (README, "Choosing the backbone").
 */
public enum BundledBackbone {
    /**
     * The expanded activations of blocks 6 and 10 (plain ImageNet weights) and 13 and 16 (fine-tuned)
     * beside the final pooled features, 3392 floats: at 100 labels per class 0.853 against 0.781 for
     * {@code flatten_1} alone, at the same throughput (one forward pass either way).
     */
    MOBILENET_V2(
            "mobilenet_v2",
            224,
            List.of(
                    "block_6_expand_relu",
                    "block_10_expand_relu",
                    "block_13_expand_relu",
                    "block_16_expand_relu",
                    "flatten_1"),
            false),
    /**
     * {@code mixed5}, the last block left at its ImageNet weights by the NSFW fine-tune, a 17×17×768
     * feature map pooled to 768 floats (hence {@code backbone.pooling=avg}): at 10 labels per class
     * 0.748 against MobileNetV2's 0.706, level at 100 (0.856 against 0.858), at a quarter of its
     * throughput (15.6 against 58.7 images/s on 2 cores).
     */
    INCEPTION_V3("inception_v3", 299, List.of("mixed5"), true);

    private final String resourceName;
    private final int inputSize;
    private final List<String> defaultCut;
    private final boolean defaultCutIsFeatureMap;

    BundledBackbone(String resourceName, int inputSize, List<String> defaultCut, boolean defaultCutIsFeatureMap) {
        this.resourceName = resourceName;
        this.inputSize = inputSize;
        this.defaultCut = defaultCut;
        this.defaultCutIsFeatureMap = defaultCutIsFeatureMap;
    }

    /** The bundled backbone {@code spec.uri()} names, if the jar ships one by that name. */
    public static Optional<BundledBackbone> of(BackboneSpec spec) {
        String name = spec.uri().substring(BackboneSpec.BUNDLED_SCHEME.length());
        return Arrays.stream(values()).filter(b -> b.resourceName.equals(name)).findFirst();
    }

    /** Every bundled URI, for error messages: {@code bundled:mobilenet_v2, bundled:inception_v3}. */
    public static String uris() {
        return Arrays.stream(values()).map(BundledBackbone::uri).collect(Collectors.joining(", "));
    }

    public String uri() {
        return BackboneSpec.BUNDLED_SCHEME + resourceName;
    }

    /** The folder of its model.json, weights.bin and LICENSE on the classpath. */
    public String resources() {
        return "/org/transferlake/backbone/bundled/" + resourceName + "/";
    }

    /** Height and width of the square images its graph takes. */
    public int inputSize() {
        return inputSize;
    }

    public List<String> defaultCut() {
        return defaultCut;
    }

    /** Whether the default cut is one feature map [N,H,W,C], which {@code backbone.pooling} must pool. */
    public boolean defaultCutIsFeatureMap() {
        return defaultCutIsFeatureMap;
    }
}
