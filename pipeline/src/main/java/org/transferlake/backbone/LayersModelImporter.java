package org.transferlake.backbone;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.types.TFloat32;
import org.transferlake.config.Errors;

/**
 * Turns a Keras/TF.js <em>layers</em> model ({@code model.json} + weight files, float32 or
 * uint8/uint16-quantized) into a TensorFlow SavedModel whose {@code serving_default} signature maps
 * {@code image} [N,H,W,C] float32 to {@code embedding}, the output of a chosen layer. The graph is
 * rebuilt op by op with TF Java; weights become constants, so the model is frozen by construction.
 */
public final class LayersModelImporter {
    /** Signature names of every SavedModel this importer writes. */
    public static final String INPUT = "image";

    public static final String OUTPUT = "embedding";

    /** The layer types the importer can rebuild; any other type is refused by name. */
    public static final Set<String> SUPPORTED_LAYERS = new TreeSet<>(List.of(
            "InputLayer",
            "ZeroPadding2D",
            "Conv2D",
            "DepthwiseConv2D",
            "BatchNormalization",
            "ReLU",
            "Activation",
            "Add",
            "Concatenate",
            "MaxPooling2D",
            "AveragePooling2D",
            "GlobalAveragePooling2D",
            "GlobalMaxPooling2D",
            "Flatten",
            "Dense",
            "Dropout"));

    /** What an import produced. {@code outputShape} is the per-image shape (without the batch axis). */
    public record Result(Path savedModel, int inputHeight, int inputWidth, int inputChannels, long[] outputShape) {}

    private final String name;
    private final Map<String, JsonObject> layers = new LinkedHashMap<>();
    private final Map<String, Weight> weights;
    private final Map<String, Operand<TFloat32>> built = new HashMap<>();
    private Ops tf;
    private Placeholder<TFloat32> input;

    private record Weight(long[] shape, float[] values) {}

    private LayersModelImporter(String name, JsonObject modelConfig, Map<String, Weight> weights) {
        this.name = name;
        this.weights = weights;
        JsonArray layerArray = layerArray(modelConfig);
        JsonObject previous = null;
        boolean sequential = "Sequential".equals(modelConfig.get("class_name").getAsString());
        for (JsonElement element : layerArray) {
            JsonObject layer = element.getAsJsonObject();
            String layerName = layer.getAsJsonObject("config").get("name").getAsString();
            if (sequential) {
                layer = sequentialNode(layer, previous);
            }
            layers.put(layerName, layer);
            previous = layer;
        }
    }

    /**
     * Imports {@code modelJson} cut at {@code cutLayers} into a new SavedModel directory {@code output}.
     * One layer: its output as it is (pooled later by {@code backbone.pooling}). Several: each
     * global-average-pooled over height and width when it is a feature map, then concatenated in the
     * order given (hypercolumn-style: early layers add texture and shape, late ones the task's semantics).
     *
     * @param name the backbone's name, used in messages
     */
    public static Result importModel(String name, Path modelJson, List<String> cutLayers, Path output) {
        if (cutLayers.isEmpty() || cutLayers.size() != Set.copyOf(cutLayers).size()) {
            throw Errors.badCutLayers(name, cutLayers);
        }
        NativeTensorFlow.ensureLoaded();
        JsonObject json = readJson(name, modelJson);
        JsonObject topology = json.has("modelTopology") ? json.getAsJsonObject("modelTopology") : json;
        JsonObject modelConfig = topology.has("model_config") ? topology.getAsJsonObject("model_config") : topology;
        if (!json.has("weightsManifest")) {
            throw Errors.noWeightsManifest(name, modelJson);
        }
        Map<String, Weight> weights = readWeights(name, json.getAsJsonArray("weightsManifest"), modelJson.getParent());
        return new LayersModelImporter(name, modelConfig, weights).export(cutLayers, output);
    }

    private Result export(List<String> cutLayers, Path output) {
        for (String cutLayer : cutLayers) {
            if (!layers.containsKey(cutLayer)) {
                throw Errors.noSuchLayer(name, cutLayer, lastLayers(5));
            }
        }
        try (Graph graph = new Graph()) {
            tf = Ops.create(graph);
            Operand<TFloat32> embedding;
            if (cutLayers.size() == 1) {
                embedding = output(cutLayers.get(0));
            } else {
                List<Operand<TFloat32>> pooled = new ArrayList<>();
                for (String cutLayer : cutLayers) {
                    pooled.add(globalAveragePooled(cutLayer, output(cutLayer)));
                }
                embedding = tf.concat(pooled, tf.constant(1));
            }
            Operand<TFloat32> cut = tf.withName(OUTPUT).identity(embedding);
            if (input == null) {
                throw Errors.layerNotAfterInput(name, String.join(",", cutLayers));
            }
            long[] inputDims = input.shape().asArray();
            long[] outputDims = cut.shape().asArray();
            try (Session session = new Session(graph)) {
                Signature signature = Signature.builder()
                        .key(Signature.DEFAULT_KEY)
                        .input(INPUT, input)
                        .output(OUTPUT, cut)
                        .build();
                SavedModelBundle.exporter(output.toString())
                        .withFunction(SessionFunction.create(signature, session))
                        .export();
            } catch (IOException e) {
                throw Errors.savedModelWriteFailed(name, output, e);
            }
            long[] perImage = java.util.Arrays.copyOfRange(outputDims, 1, outputDims.length);
            return new Result(output, (int) inputDims[1], (int) inputDims[2], (int) inputDims[3], perImage);
        }
    }

    /** A [N,H,W,C] feature map averaged to [N,C]; a [N,C] vector as it is; anything else refused. */
    private Operand<TFloat32> globalAveragePooled(String layerName, Operand<TFloat32> x) {
        int rank = x.shape().numDimensions();
        if (rank == 2) {
            return x;
        }
        if (rank != 4) {
            throw Errors.cutLayerNotPoolable(name, layerName, x.shape().toString());
        }
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    private Operand<TFloat32> output(String layerName) {
        Operand<TFloat32> done = built.get(layerName);
        if (done != null) {
            return done;
        }
        JsonObject layer = layers.get(layerName);
        if (layer == null) {
            throw Errors.missingInboundLayer(name, layerName);
        }
        List<Operand<TFloat32>> inputs = new ArrayList<>();
        for (String inbound : inboundLayers(layer)) {
            inputs.add(output(inbound));
        }
        Operand<TFloat32> result =
                build(layerName, layer.get("class_name").getAsString(), layer.getAsJsonObject("config"), inputs);
        built.put(layerName, result);
        return result;
    }

    private Operand<TFloat32> build(String layerName, String type, JsonObject config, List<Operand<TFloat32>> inputs) {
        Ops scope = tf.withSubScope(layerName.replaceAll("[^A-Za-z0-9_.\\-/]", "_"));
        switch (type) {
            case "InputLayer":
                return inputLayer(config);
            case "Dropout":
                return single(layerName, inputs);
            case "ZeroPadding2D":
                return zeroPadding(scope, config, single(layerName, inputs));
            case "Conv2D":
                return activation(
                        scope, layerName, config, conv2d(scope, layerName, config, single(layerName, inputs)));
            case "DepthwiseConv2D":
                return activation(
                        scope, layerName, config, depthwise(scope, layerName, config, single(layerName, inputs)));
            case "BatchNormalization":
                return batchNormalization(scope, layerName, config, single(layerName, inputs));
            case "ReLU":
                return relu(scope, layerName, config, single(layerName, inputs));
            case "Activation":
                return activation(scope, layerName, config, single(layerName, inputs));
            case "Add":
                return inputs.size() == 1 ? inputs.get(0) : scope.math.addN(inputs);
            case "Concatenate":
                return scope.concat(
                        inputs,
                        scope.constant(config.has("axis") ? config.get("axis").getAsInt() : -1));
            case "MaxPooling2D":
            case "AveragePooling2D":
                return pooling(scope, type.startsWith("Max"), config, single(layerName, inputs));
            case "GlobalAveragePooling2D":
                return scope.math.mean(single(layerName, inputs), scope.constant(new int[] {1, 2}));
            case "GlobalMaxPooling2D":
                return scope.max(single(layerName, inputs), scope.constant(new int[] {1, 2}));
            case "Flatten":
                return flatten(scope, single(layerName, inputs));
            case "Dense":
                return activation(scope, layerName, config, dense(scope, layerName, config, single(layerName, inputs)));
            default:
                throw Errors.unsupportedLayerType(name, layerName, type, SUPPORTED_LAYERS);
        }
    }

    private Operand<TFloat32> inputLayer(JsonObject config) {
        JsonArray shape = config.getAsJsonArray("batch_input_shape");
        if (shape == null
                || shape.size() != 4
                || shape.get(1).isJsonNull()
                || shape.get(2).isJsonNull()) {
            throw Errors.inputNotFixedSizeImages(name, String.valueOf(shape));
        }
        input = tf.withName(INPUT)
                .placeholder(
                        TFloat32.class,
                        Placeholder.shape(Shape.of(
                                -1,
                                shape.get(1).getAsLong(),
                                shape.get(2).getAsLong(),
                                shape.get(3).getAsLong())));
        return input;
    }

    private Operand<TFloat32> zeroPadding(Ops scope, JsonObject config, Operand<TFloat32> x) {
        channelsLast(config);
        JsonElement padding = config.get("padding");
        int top;
        int bottom;
        int left;
        int right;
        if (padding.isJsonPrimitive()) {
            top = bottom = left = right = padding.getAsInt();
        } else {
            JsonArray pairs = padding.getAsJsonArray();
            JsonElement rows = pairs.get(0);
            JsonElement cols = pairs.get(1);
            top = rows.isJsonArray() ? rows.getAsJsonArray().get(0).getAsInt() : rows.getAsInt();
            bottom = rows.isJsonArray() ? rows.getAsJsonArray().get(1).getAsInt() : rows.getAsInt();
            left = cols.isJsonArray() ? cols.getAsJsonArray().get(0).getAsInt() : cols.getAsInt();
            right = cols.isJsonArray() ? cols.getAsJsonArray().get(1).getAsInt() : cols.getAsInt();
        }
        return scope.pad(
                x, scope.constant(new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}}), scope.constant(0f));
    }

    private Operand<TFloat32> conv2d(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        channelsLast(config);
        Operand<TFloat32> kernel = constant(scope, weight(layerName, "kernel"));
        int[] dilation = pair(config, "dilation_rate", 1);
        Operand<TFloat32> y = scope.nn.conv2d(
                x,
                kernel,
                strides(config),
                padding(config),
                Conv2d.dilations(List.of(1L, (long) dilation[0], (long) dilation[1], 1L)));
        return bias(scope, layerName, config, y);
    }

    private Operand<TFloat32> depthwise(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        channelsLast(config);
        Operand<TFloat32> kernel = constant(scope, weight(layerName, "depthwise_kernel"));
        int[] dilation = pair(config, "dilation_rate", 1);
        Operand<TFloat32> y = scope.nn.depthwiseConv2dNative(
                x,
                kernel,
                strides(config),
                padding(config),
                DepthwiseConv2dNative.dilations(List.of(1L, (long) dilation[0], (long) dilation[1], 1L)));
        return bias(scope, layerName, config, y);
    }

    private Operand<TFloat32> dense(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        if (x.shape().numDimensions() != 2) {
            throw Errors.denseInputNotFlat(name, layerName, x.shape().numDimensions());
        }
        return bias(scope, layerName, config, scope.linalg.matMul(x, constant(scope, weight(layerName, "kernel"))));
    }

    private Operand<TFloat32> bias(Ops scope, String layerName, JsonObject config, Operand<TFloat32> y) {
        boolean useBias = !config.has("use_bias") || config.get("use_bias").getAsBoolean();
        return useBias ? scope.nn.biasAdd(y, constant(scope, weight(layerName, "bias"))) : y;
    }

    /** Inference-mode batch norm folded into one multiply-add per channel. */
    private Operand<TFloat32> batchNormalization(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        int axis = config.has("axis") ? config.get("axis").getAsInt() : -1;
        if (axis != -1 && axis != x.shape().numDimensions() - 1) {
            throw Errors.batchNormalizationNotOnChannels(name, layerName, axis);
        }
        float epsilon = config.has("epsilon") ? config.get("epsilon").getAsFloat() : 1e-3f;
        float[] mean = weight(layerName, "moving_mean").values();
        float[] variance = weight(layerName, "moving_variance").values();
        boolean scale = !config.has("scale") || config.get("scale").getAsBoolean();
        boolean center = !config.has("center") || config.get("center").getAsBoolean();
        float[] gamma = scale ? weight(layerName, "gamma").values() : null;
        float[] beta = center ? weight(layerName, "beta").values() : null;
        float[] multiplier = new float[mean.length];
        float[] offset = new float[mean.length];
        for (int c = 0; c < mean.length; c++) {
            multiplier[c] = (float) ((gamma == null ? 1.0 : gamma[c]) / Math.sqrt(variance[c] + (double) epsilon));
            offset[c] = (float) ((beta == null ? 0.0 : beta[c]) - mean[c] * (double) multiplier[c]);
        }
        long[] shape = {mean.length};
        return scope.math.add(
                scope.math.mul(x, constant(scope, new Weight(shape, multiplier))),
                constant(scope, new Weight(shape, offset)));
    }

    private Operand<TFloat32> relu(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        float slope = optionalFloat(config, "negative_slope", 0f);
        float threshold = optionalFloat(config, "threshold", 0f);
        if (slope != 0f || threshold != 0f) {
            throw Errors.unsupportedRelu(name, layerName, slope, threshold);
        }
        Float max = config.has("max_value") && !config.get("max_value").isJsonNull()
                ? config.get("max_value").getAsFloat()
                : null;
        if (max == null) {
            return scope.nn.relu(x);
        }
        return max == 6f ? scope.nn.relu6(x) : scope.math.minimum(scope.nn.relu(x), scope.constant(max));
    }

    private Operand<TFloat32> activation(Ops scope, String layerName, JsonObject config, Operand<TFloat32> x) {
        String activation = config.has("activation") ? config.get("activation").getAsString() : "linear";
        switch (activation) {
            case "linear":
                return x;
            case "relu":
                return scope.nn.relu(x);
            case "relu6":
                return scope.nn.relu6(x);
            case "sigmoid":
                return scope.math.sigmoid(x);
            case "tanh":
                return scope.math.tanh(x);
            case "softmax":
                return scope.nn.softmax(x);
            default:
                throw Errors.unsupportedActivation(name, layerName, activation);
        }
    }

    private Operand<TFloat32> pooling(Ops scope, boolean max, JsonObject config, Operand<TFloat32> x) {
        channelsLast(config);
        int[] size = pair(config, "pool_size", 2);
        int[] stride = config.has("strides") && !config.get("strides").isJsonNull() ? pair(config, "strides", 1) : size;
        List<Long> window = List.of(1L, (long) size[0], (long) size[1], 1L);
        List<Long> strides = List.of(1L, (long) stride[0], (long) stride[1], 1L);
        String padding = padding(config);
        if (max) {
            return scope.nn.maxPool(
                    x,
                    scope.constant(new int[] {1, size[0], size[1], 1}),
                    scope.constant(new int[] {1, stride[0], stride[1], 1}),
                    padding);
        }
        return scope.nn.avgPool(x, window, strides, padding);
    }

    private Operand<TFloat32> flatten(Ops scope, Operand<TFloat32> x) {
        long[] dims = x.shape().asArray();
        long flat = 1;
        for (int i = 1; i < dims.length; i++) {
            flat *= dims[i];
        }
        return scope.reshape(x, scope.constant(new long[] {-1, flat}));
    }

    private static Operand<TFloat32> constant(Ops scope, Weight weight) {
        return scope.constant(NdArrays.wrap(Shape.of(weight.shape()), DataBuffers.of(weight.values(), true, false)));
    }

    private Weight weight(String layerName, String parameter) {
        String key = layerName + "/" + parameter;
        Weight exact = weights.get(key);
        if (exact != null) {
            return exact;
        }
        // Some exporters prefix a scope or append ":0".
        return weights.entrySet().stream()
                .filter(entry -> entry.getKey().endsWith("/" + key)
                        || entry.getKey().equals(key + ":0")
                        || entry.getKey().endsWith("/" + key + ":0"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow(() -> Errors.missingWeight(name, key));
    }

    private Operand<TFloat32> single(String layerName, List<Operand<TFloat32>> inputs) {
        if (inputs.size() != 1) {
            throw Errors.layerNotSingleInput(name, layerName, inputs.size());
        }
        return inputs.get(0);
    }

    private void channelsLast(JsonObject config) {
        if (config.has("data_format")
                && !"channels_last".equals(config.get("data_format").getAsString())) {
            throw Errors.unsupportedDataFormat(
                    name,
                    config.get("name").getAsString(),
                    config.get("data_format").getAsString());
        }
    }

    private static List<Long> strides(JsonObject config) {
        int[] strides = pair(config, "strides", 1);
        return List.of(1L, (long) strides[0], (long) strides[1], 1L);
    }

    private String padding(JsonObject config) {
        String padding = config.has("padding") ? config.get("padding").getAsString() : "valid";
        if (!padding.equals("same") && !padding.equals("valid")) {
            throw Errors.unsupportedPadding(name, config.get("name").getAsString(), padding);
        }
        return padding.toUpperCase(java.util.Locale.ROOT);
    }

    private static int[] pair(JsonObject config, String key, int fallback) {
        JsonElement value = config.get(key);
        if (value == null || value.isJsonNull()) {
            return new int[] {fallback, fallback};
        }
        if (value.isJsonPrimitive()) {
            return new int[] {value.getAsInt(), value.getAsInt()};
        }
        JsonArray array = value.getAsJsonArray();
        return new int[] {array.get(0).getAsInt(), array.get(1).getAsInt()};
    }

    private static float optionalFloat(JsonObject config, String key, float fallback) {
        return config.has(key) && !config.get(key).isJsonNull()
                ? config.get(key).getAsFloat()
                : fallback;
    }

    private List<String> inboundLayers(JsonObject layer) {
        List<String> inbound = new ArrayList<>();
        JsonArray nodes = layer.getAsJsonArray("inbound_nodes");
        if (nodes == null || nodes.isEmpty()) {
            return inbound;
        }
        if (nodes.size() > 1) {
            throw Errors.sharedLayer(
                    name, layer.getAsJsonObject("config").get("name").getAsString(), nodes.size());
        }
        for (JsonElement entry : nodes.get(0).getAsJsonArray()) {
            if (!entry.isJsonArray()) {
                throw Errors.unsupportedInboundNodes(name);
            }
            inbound.add(entry.getAsJsonArray().get(0).getAsString());
        }
        return inbound;
    }

    /** A Sequential layer as a functional node fed by the previous layer (and an InputLayer for the first). */
    private JsonObject sequentialNode(JsonObject layer, JsonObject previous) {
        JsonObject node = layer.deepCopy();
        JsonArray inbound = new JsonArray();
        String from;
        if (previous == null) {
            JsonObject config = layer.getAsJsonObject("config");
            JsonObject inputConfig = new JsonObject();
            inputConfig.addProperty("name", "input");
            inputConfig.add("batch_input_shape", config.get("batch_input_shape"));
            JsonObject inputLayer = new JsonObject();
            inputLayer.addProperty("class_name", "InputLayer");
            inputLayer.add("config", inputConfig);
            inputLayer.add("inbound_nodes", new JsonArray());
            layers.put("input", inputLayer);
            from = "input";
        } else {
            from = previous.getAsJsonObject("config").get("name").getAsString();
        }
        JsonArray edge = new JsonArray();
        edge.add(from);
        edge.add(0);
        edge.add(0);
        edge.add(new JsonObject());
        JsonArray edges = new JsonArray();
        edges.add(edge);
        inbound.add(edges);
        node.add("inbound_nodes", inbound);
        return node;
    }

    private static JsonArray layerArray(JsonObject modelConfig) {
        JsonElement config = modelConfig.get("config");
        if (config.isJsonArray()) {
            return config.getAsJsonArray();
        }
        return config.getAsJsonObject().getAsJsonArray("layers");
    }

    private String lastLayers(int count) {
        List<String> names = new ArrayList<>(layers.keySet());
        return String.join(", ", names.subList(Math.max(0, names.size() - count), names.size()));
    }

    private static JsonObject readJson(String name, Path modelJson) {
        try {
            return JsonParser.parseString(Files.readString(modelJson)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw Errors.modelJsonUnreadable(name, modelJson, e);
        }
    }

    private static Map<String, Weight> readWeights(String name, JsonArray manifest, Path dir) {
        Map<String, Weight> weights = new HashMap<>();
        for (JsonElement groupElement : manifest) {
            JsonObject group = groupElement.getAsJsonObject();
            ByteBuffer bytes = concatenatedShards(name, group.getAsJsonArray("paths"), dir);
            for (JsonElement weightElement : group.getAsJsonArray("weights")) {
                JsonObject spec = weightElement.getAsJsonObject();
                JsonArray shapeArray = spec.getAsJsonArray("shape");
                long[] shape = new long[shapeArray.size()];
                int count = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeArray.get(i).getAsLong();
                    count *= (int) shape[i];
                }
                weights.put(spec.get("name").getAsString(), new Weight(shape, decode(name, spec, bytes, count)));
            }
        }
        return weights;
    }

    private static float[] decode(String name, JsonObject spec, ByteBuffer bytes, int count) {
        float[] values = new float[count];
        String dtype = spec.get("dtype").getAsString();
        JsonObject quantization = spec.has("quantization") ? spec.getAsJsonObject("quantization") : null;
        try {
            if (quantization != null) {
                // As TF.js does: dequantize in double precision, round once to float.
                double scale = quantization.get("scale").getAsDouble();
                double min = quantization.get("min").getAsDouble();
                String storage = quantization.get("dtype").getAsString();
                for (int i = 0; i < count; i++) {
                    int q = switch (storage) {
                        case "uint8" -> Byte.toUnsignedInt(bytes.get());
                        case "uint16" -> Short.toUnsignedInt(bytes.getShort());
                        default ->
                            throw Errors.unsupportedQuantization(
                                    name, spec.get("name").getAsString(), storage);
                    };
                    values[i] = (float) (q * scale + min);
                }
            } else if (dtype.equals("float32")) {
                bytes.asFloatBuffer().get(values);
                bytes.position(bytes.position() + 4 * count);
            } else {
                throw Errors.unsupportedWeightDtype(name, spec.get("name").getAsString(), dtype);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw Errors.weightsTruncated(name, spec.get("name").getAsString());
        }
        return values;
    }

    private static ByteBuffer concatenatedShards(String name, JsonArray paths, Path dir) {
        try {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (JsonElement path : paths) {
                all.write(Files.readAllBytes(dir.resolve(path.getAsString())));
            }
            return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw Errors.weightFileUnreadable(name, e);
        }
    }
}
