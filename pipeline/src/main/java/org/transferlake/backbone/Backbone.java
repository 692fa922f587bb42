package org.transferlake.backbone;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.tensorflow.proto.SavedModel;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigKey;
import org.transferlake.config.ConfigKeys;
import org.transferlake.config.Errors;
import org.transferlake.image.Resizer;
import org.transferlake.image.RgbImage;

/**
 * A loaded, frozen backbone: a TensorFlow SavedModel run through DJL. Thread-safe to share; each
 * thread embeds through its own {@link Embedder}. Loading checks the signature and runs one probe
 * batch, so a model that cannot serve fails here, with its name, not in the middle of a job.
 */
public final class Backbone implements AutoCloseable {
    private final BackboneSpec spec;
    private final String id;
    private final ZooModel<NDList, NDList> model;
    private final String inputName;
    private final String outputName;
    private final long[] outputDims;
    private final int dimension;

    private Backbone(
            BackboneSpec spec, String id, ZooModel<NDList, NDList> model, String inputName, String outputName) {
        this.spec = spec;
        this.id = id;
        this.model = model;
        this.inputName = inputName;
        this.outputName = outputName;
        try (Embedder probe = new Embedder(1)) {
            long[] shape = probe.run(new float[imageSize()], 1).shape();
            this.outputDims = Arrays.copyOfRange(shape, 1, shape.length);
            this.dimension = spec.pooling().reduce(new float[(int) product(outputDims)], outputDims).length;
        }
    }

    /**
     * Loads a localized SavedModel.
     *
     * @param device where to run it: {@link Device#cpu()} or {@code Device.gpu(n)}
     */
    public static Backbone load(BackboneSpec spec, ModelStore.LocalModel local, Device device) {
        NativeTensorFlow.ensureLoaded();
        requireSignature(spec, local.directory());
        Criteria<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(local.directory())
                .optEngine("TensorFlow")
                .optDevice(device)
                .optOption("SignatureDefKey", spec.signature())
                .build();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw Errors.backboneNotLoadable(spec, local.directory(), e);
        }
        try {
            String input = pick(spec, "input", model.describeInput(), spec.inputName(), ConfigKeys.BACKBONE_INPUT_NAME);
            String output =
                    pick(spec, "output", model.describeOutput(), spec.outputName(), ConfigKeys.BACKBONE_OUTPUT_NAME);
            checkInputShape(spec, model.describeInput());
            return new Backbone(spec, BackboneId.of(local.modelId(), spec), model, input, output);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** DJL quietly falls back to another signature when the key is missing: check it ourselves. */
    private static void requireSignature(BackboneSpec spec, java.nio.file.Path directory) {
        java.util.Set<String> signatures = new java.util.TreeSet<>();
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(directory.resolve("saved_model.pb"))) {
            SavedModel.parseFrom(in)
                    .getMetaGraphsList()
                    .forEach(graph ->
                            signatures.addAll(graph.getSignatureDefMap().keySet()));
        } catch (IOException e) {
            throw Errors.savedModelUnreadable(spec, directory.resolve("saved_model.pb"), e);
        }
        if (!signatures.contains(spec.signature())) {
            throw Errors.backboneSignatureMissing(spec, signatures);
        }
    }

    /**
     * Localizes and loads the backbone once on this machine (so a model that cannot load fails now,
     * before any Spark job) and returns its id.
     */
    public static String resolveId(
            BackboneSpec spec, java.nio.file.Path cacheDir, org.apache.hadoop.conf.Configuration hadoop) {
        try (Backbone backbone = open(spec, cacheDir, hadoop, Device.cpu())) {
            return backbone.id();
        }
    }

    /** Localizes the backbone into {@code cacheDir} (once per machine) and loads it. */
    public static Backbone open(
            BackboneSpec spec,
            java.nio.file.Path cacheDir,
            org.apache.hadoop.conf.Configuration hadoop,
            Device device) {
        return load(spec, new ModelStore(cacheDir, hadoop).localize(spec), device);
    }

    private static String pick(
            BackboneSpec spec, String what, PairList<String, Shape> tensors, String wanted, ConfigKey<String> key) {
        if (tensors == null || tensors.isEmpty()) {
            throw Errors.signatureHasNoTensors(spec, what);
        }
        if (what.equals("input") && tensors.size() > 1) {
            throw Errors.signatureHasSeveralInputs(spec, tensors.keys());
        }
        if (wanted.isEmpty()) {
            if (tensors.size() > 1) {
                throw Errors.signatureTensorAmbiguous(spec, what, tensors.keys(), key);
            }
            return tensors.get(0).getKey();
        }
        if (!tensors.keys().contains(wanted)) {
            throw Errors.signatureTensorMissing(spec, what, wanted, tensors.keys(), key);
        }
        return wanted;
    }

    private static void checkInputShape(BackboneSpec spec, PairList<String, Shape> inputs) {
        long[] shape = inputs.get(0).getValue().getShape();
        boolean fits = shape.length == 4
                && (shape[3] == 3 || shape[3] == -1)
                && (shape[1] == -1 || shape[1] == spec.inputHeight())
                && (shape[2] == -1 || shape[2] == spec.inputWidth());
        if (!fits) {
            throw Errors.backboneInputShapeMismatch(spec, shape);
        }
    }

    /** {@code name@sha256:digest}: the model and its exact content. */
    public String id() {
        return id;
    }

    /** Length of one embedding, after pooling. */
    public int dimension() {
        return dimension;
    }

    /** Floats per preprocessed image: H × W × 3. */
    public int imageSize() {
        return spec.inputHeight() * spec.inputWidth() * 3;
    }

    /**
     * A new embedder for the calling thread.
     *
     * @param batchSize how many images {@link Embedder#add} takes before a {@link Embedder#flush}
     */
    public Embedder newEmbedder(int batchSize) {
        return new Embedder(batchSize);
    }

    @Override
    public void close() {
        model.close();
    }

    private record Output(float[] values, long[] shape) {}

    private static long product(long[] dims) {
        long product = 1;
        for (long dim : dims) {
            product *= dim;
        }
        return product;
    }

    /**
     * Runs batches through the backbone; not thread-safe, cheap to create. The one way images become
     * embeddings: each {@link #add} resizes and preprocesses an image into the next slot of a reused
     * input buffer (so no decoded image outlives its turn), and {@link #flush} embeds them in one
     * backbone call.
     */
    public final class Embedder implements AutoCloseable {
        private final Predictor<NDList, NDList> predictor = model.newPredictor();
        private final float[] inputs;
        private final int batchSize;
        private int added;

        private Embedder(int batchSize) {
            this.batchSize = batchSize;
            this.inputs = new float[batchSize * imageSize()];
        }

        /** Resizes and preprocesses {@code image} into the next free slot of the batch. */
        public void add(RgbImage image) {
            if (isFull()) {
                throw new IllegalStateException("The batch of " + batchSize + " images is full: flush it first");
            }
            spec.preprocessing()
                    .apply(
                            Resizer.resize(image, spec.inputWidth(), spec.inputHeight())
                                    .rgb(),
                            inputs,
                            added++ * imageSize());
        }

        public boolean isFull() {
            return added == batchSize;
        }

        /** How many images were added since the last flush. */
        public int size() {
            return added;
        }

        /** Embeds the images added since the last flush, in the order they were added, and empties the batch. */
        public float[][] flush() {
            if (added == 0) {
                return new float[0][];
            }
            float[][] embeddings = embed(inputs, added);
            added = 0;
            return embeddings;
        }

        /**
         * Embeds {@code count} preprocessed images.
         *
         * @param images {@code count × imageSize()} floats, NHWC; may be longer (a reused buffer)
         * @return one embedding of {@link #dimension()} floats per image
         */
        public float[][] embed(float[] images, int count) {
            float[] flat = run(images, count).values();
            int perImage = flat.length / count;
            float[][] embeddings = new float[count][];
            for (int i = 0; i < count; i++) {
                embeddings[i] =
                        spec.pooling().reduce(Arrays.copyOfRange(flat, i * perImage, (i + 1) * perImage), outputDims);
            }
            return embeddings;
        }

        /** The selected output for a batch, copied out of native memory. */
        Output run(float[] images, int count) {
            // Outputs are created on the input's manager: closing it frees the whole batch.
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray batch = manager.create(
                        FloatBuffer.wrap(images, 0, count * imageSize()),
                        new Shape(count, spec.inputHeight(), spec.inputWidth(), 3),
                        DataType.FLOAT32);
                batch.setName(inputName);
                NDList outputs = predictor.predict(new NDList(batch));
                NDArray selected = outputs.get(outputName) != null ? outputs.get(outputName) : outputs.get(0);
                return new Output(selected.toFloatArray(), selected.getShape().getShape());
            } catch (TranslateException | RuntimeException e) {
                throw Errors.embeddingFailed(id, e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }
}
