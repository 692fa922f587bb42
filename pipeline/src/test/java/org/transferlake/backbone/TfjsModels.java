package org.transferlake.backbone;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small TF.js layers models (model.json + weights.bin) with weights the tests choose. */
final class TfjsModels {
    private final List<JsonObject> layers = new ArrayList<>();
    private final Map<String, float[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> quantized = new LinkedHashMap<>();

    /** Adds a functional layer; {@code config} is JSON without the name. */
    TfjsModels layer(String type, String name, String config, String... inbound) {
        JsonObject layer = new JsonObject();
        layer.addProperty("class_name", type);
        layer.addProperty("name", name);
        JsonObject configObject =
                JsonParser.parseString(config.isEmpty() ? "{}" : config).getAsJsonObject();
        configObject.addProperty("name", name);
        layer.add("config", configObject);
        JsonArray node = new JsonArray();
        for (String from : inbound) {
            node.add(JsonParser.parseString("[\"" + from + "\", 0, 0, {}]"));
        }
        JsonArray nodes = new JsonArray();
        if (inbound.length > 0) {
            nodes.add(node);
        }
        layer.add("inbound_nodes", nodes);
        layers.add(layer);
        return this;
    }

    TfjsModels weight(String name, long[] shape, float... values) {
        weights.put(name, values);
        shapes.put(name, shape);
        return this;
    }

    /** Stored as uint8 with the given scale and min, as TF.js's quantizing converter does. */
    TfjsModels quantizedWeight(String name, long[] shape, float scale, float min, int... codes) {
        float[] packed = new float[codes.length + 2];
        packed[0] = scale;
        packed[1] = min;
        for (int i = 0; i < codes.length; i++) {
            packed[i + 2] = codes[i];
        }
        quantized.put(name, packed);
        shapes.put(name, shape);
        return this;
    }

    Path writeFunctional(Path dir, String input, String output) throws IOException {
        JsonObject config = new JsonObject();
        config.add("layers", array(layers));
        config.add("input_layers", JsonParser.parseString("[[\"" + input + "\", 0, 0]]"));
        config.add("output_layers", JsonParser.parseString("[[\"" + output + "\", 0, 0]]"));
        JsonObject modelConfig = new JsonObject();
        modelConfig.addProperty("class_name", "Model");
        modelConfig.add("config", config);
        return write(dir, modelConfig);
    }

    /** Layers in order, without inbound nodes: the first carries batch_input_shape. */
    Path writeSequential(Path dir) throws IOException {
        layers.forEach(layer -> layer.remove("inbound_nodes"));
        JsonObject modelConfig = new JsonObject();
        modelConfig.addProperty("class_name", "Sequential");
        modelConfig.add("config", array(layers));
        return write(dir, modelConfig);
    }

    private Path write(Path dir, JsonObject modelConfig) throws IOException {
        Files.createDirectories(dir);
        JsonObject topology = new JsonObject();
        topology.addProperty("keras_version", "2.2.4");
        topology.add("model_config", modelConfig);
        JsonArray specs = new JsonArray();
        int bytes = 0;
        for (String name : shapes.keySet()) {
            JsonObject spec = new JsonObject();
            spec.addProperty("name", name);
            spec.add("shape", JsonParser.parseString(java.util.Arrays.toString(shapes.get(name))));
            spec.addProperty("dtype", "float32");
            if (quantized.containsKey(name)) {
                JsonObject quantization = new JsonObject();
                quantization.addProperty("scale", quantized.get(name)[0]);
                quantization.addProperty("min", quantized.get(name)[1]);
                quantization.addProperty("dtype", "uint8");
                spec.add("quantization", quantization);
                bytes += quantized.get(name).length - 2;
            } else {
                bytes += 4 * weights.get(name).length;
            }
            specs.add(spec);
        }
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (String name : shapes.keySet()) {
            if (quantized.containsKey(name)) {
                float[] packed = quantized.get(name);
                for (int i = 2; i < packed.length; i++) {
                    buffer.put((byte) packed[i]);
                }
            } else {
                for (float value : weights.get(name)) {
                    buffer.putFloat(value);
                }
            }
        }
        Files.write(dir.resolve("weights.bin"), buffer.array());
        JsonObject group = new JsonObject();
        group.add("paths", JsonParser.parseString("[\"weights.bin\"]"));
        group.add("weights", specs);
        JsonArray manifest = new JsonArray();
        manifest.add(group);
        JsonObject json = new JsonObject();
        json.add("modelTopology", topology);
        json.add("weightsManifest", manifest);
        Path modelJson = dir.resolve("model.json");
        Files.writeString(modelJson, json.toString());
        return modelJson;
    }

    private static JsonArray array(List<JsonObject> objects) {
        JsonArray array = new JsonArray();
        objects.forEach(array::add);
        return array;
    }
}
