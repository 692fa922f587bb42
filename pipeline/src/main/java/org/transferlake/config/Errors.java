package org.transferlake.config;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Every error a user can see, one method per situation (after Delta kernel's {@code DeltaErrors}):
 * each builds the whole {@code Cannot <action>: <reason>. <what to do>} message from the values that
 * vary, so call sites never compose wording and tests can assert it. Keys are named through their
 * {@link ConfigKeys} constants, so a renamed key renames every message.
 */
public final class Errors {
    private static final String LOAD_CONFIG = "load config";
    private static final String LIST_IMAGES = "list images";
    private static final String READ_FASHION_MNIST = "read Fashion-MNIST";
    private static final String READ_LABELS = "read labels";
    private static final String WRITE_DEMO_DATA = "write demo data";
    private static final String START_EMBEDDED_LAKE = "start the embedded lake";
    private static final String LOAD_TENSORFLOW = "load TensorFlow";
    private static final String EMBED_IMAGES = "embed images";
    private static final String EMBED_ON_GPU = "embed on GPU";
    private static final String TRAIN_HEADS = "train heads";
    private static final String SCORE = "score";
    private static final String BENCHMARK_BACKBONE = "benchmark the backbone";
    private static final String BENCHMARK_ACCURACY = "benchmark accuracy";

    private Errors() {}

    private static TransferlakeException invalidInput(String action, String reason, String fix) {
        return invalidInput(action, reason, fix, null);
    }

    /** Bad config, model or input ({@link TransferlakeException.Kind#INVALID_INPUT}): exit code 2. */
    private static TransferlakeException invalidInput(String action, String reason, String fix, Throwable cause) {
        return TransferlakeException.cannot(TransferlakeException.Kind.INVALID_INPUT, action, reason, fix, cause);
    }

    // any job

    /** The thread was interrupted, e.g. by Ctrl-C; the caller has set the interrupt flag again. */
    public static TransferlakeException interrupted(String action, InterruptedException e) {
        return TransferlakeException.cannot(
                action, "it was interrupted", "Run it again unless it was stopped on purpose.", e);
    }

    // config

    /** The {@code --config} file does not exist. */
    public static TransferlakeException configFileMissing(Path file) {
        return invalidInput(
                LOAD_CONFIG, "file " + file + " does not exist", "Pass an existing HOCON file to --config.");
    }

    /** The {@code --config} file does not parse as HOCON. */
    public static TransferlakeException configFileNotHocon(Path file, ConfigException e) {
        return invalidInput(
                LOAD_CONFIG, file + " is not valid HOCON (" + e.getMessage() + ")", "Fix the syntax of that file.", e);
    }

    /** A {@code --conf} key that is not a dotted path. */
    public static TransferlakeException malformedConfigKey(String key) {
        return invalidInput(
                LOAD_CONFIG,
                "'" + key + "' is not a valid key",
                "Write keys as dotted names, e.g. --conf " + ConfigKeys.LAKE_ROOT + "=s3a://bucket/prefix/.");
    }

    /** A key that {@link ConfigKeys} does not declare; {@code closest} is the declared key nearest in spelling. */
    public static TransferlakeException unknownConfigKey(String key, String closest) {
        return invalidInput(
                LOAD_CONFIG,
                "unknown key " + key,
                "Did you mean " + closest + "? Every key is listed in conf/default.conf.");
    }

    /** A value of the wrong type or out of range; strings are shown quoted, so an empty one is visible. */
    public static TransferlakeException invalidConfigValue(
            String key, String expectation, Object actual, Object defaultValue) {
        String shown = actual instanceof String ? "'" + actual + "'" : String.valueOf(actual);
        return invalidInput(
                LOAD_CONFIG,
                key + " must be " + expectation + ", got " + shown,
                "Set it in your --config file or with --conf " + key + "=" + defaultValue + " (the default).");
    }

    /** One of the two static lake keys is set and {@code emptyKey}, the other, is not. */
    public static TransferlakeException credentialsHalfSet(ConfigKey<String> emptyKey) {
        return invalidInput(
                LOAD_CONFIG,
                emptyKey + " is empty but its partner is set",
                "Set both " + ConfigLoader.SECRET_ENVIRONMENT.get(ConfigKeys.LAKE_ACCESS_KEY.name()) + " and "
                        + ConfigLoader.SECRET_ENVIRONMENT.get(ConfigKeys.LAKE_SECRET_KEY.name())
                        + ", or neither to use the AWS default provider chain.");
    }

    /** The embedded lake serves S3 only, but {@code root} (as written) is not an s3a:// URI. */
    public static TransferlakeException embeddedLakeNeedsS3aRoot(String root) {
        return invalidInput(
                LOAD_CONFIG,
                ConfigKeys.LAKE_ROOT + " " + root + " is not an s3a:// URI but " + ConfigKeys.LAKE_ENDPOINT
                        + " is embedded",
                "Use an s3a://bucket/prefix/ root with the embedded lake, or set " + ConfigKeys.LAKE_ENDPOINT
                        + " to aws or your S3 URL.");
    }

    // images, listing, labels, demo data

    /** The Fashion-MNIST split bundled in the jar cannot be read. */
    public static TransferlakeException bundledFashionMnistUnreadable(IOException e) {
        return TransferlakeException.cannot(
                READ_FASHION_MNIST,
                e.getMessage(),
                "Rebuild the jar, or install the Debian package dataset-fashion-mnist.",
                e);
    }

    /** An IDX file of the Debian package {@code dataset-fashion-mnist} cannot be read. */
    public static TransferlakeException fashionMnistUnreadable(Path images, IOException e) {
        return TransferlakeException.cannot(
                READ_FASHION_MNIST,
                images + " is unreadable (" + e.getMessage() + ")",
                "Reinstall the Debian package dataset-fashion-mnist.",
                e);
    }

    /** An image root does not exist. */
    public static TransferlakeException imageRootDoesNotExist(URI root) {
        return invalidInput(LIST_IMAGES, "root " + root + " does not exist", checkImageRoots(), null);
    }

    /** {@code extract --plan-sample} below zero. */
    public static TransferlakeException negativePlanSample(int sample) {
        return invalidInput(
                "plan the extract", "--plan-sample must be 0 or more, got " + sample, "Pass e.g. --plan-sample 20.");
    }

    /** A listed image could not be read when its task came to embed it. */
    public static TransferlakeException imageUnreadable(String path, IOException e) {
        return TransferlakeException.cannot(
                EMBED_IMAGES,
                "reading " + path + " failed (" + firstLine(e) + ")",
                "Check that it still exists and that the lake's keys may read it, then run extract again.",
                e);
    }

    /** Listing an image root failed. */
    public static TransferlakeException imageListingFailed(URI root, IOException e) {
        return TransferlakeException.cannot(
                LIST_IMAGES,
                "listing " + root + " failed (" + e.getMessage() + ")",
                "Check that the lake is reachable and the credentials can list it.",
                e);
    }

    /** Spark found nothing at a path to read images from; {@code sparkMessage} says which. */
    public static TransferlakeException imagePathNotFound(String sparkMessage) {
        return TransferlakeException.cannot(LIST_IMAGES, sparkMessage, checkImageRoots());
    }

    /** Spark could not read the bytes of the images at {@code paths}. */
    public static TransferlakeException imagesUnreadable(List<String> paths, Exception e) {
        String shown = paths.size() <= 3
                ? String.join(", ", paths)
                : String.join(", ", paths.subList(0, 3)) + " and " + (paths.size() - 3) + " more";
        return TransferlakeException.cannot(
                "read images",
                "Spark could not read " + shown + " (" + e.getMessage() + ")",
                "Check that the lake is reachable and the credentials can read it.",
                e);
    }

    private static String checkImageRoots() {
        return "Check " + ConfigKeys.EXTRACT_ROOTS + " (default: <" + ConfigKeys.LAKE_ROOT
                + ">images/); run 'transferlake demo-data' for the demo images.";
    }

    /** The labels location is neither a readable CSV file nor a Delta table. */
    public static TransferlakeException labelsUnreadable(String location, Exception e) {
        return TransferlakeException.cannot(
                READ_LABELS,
                location + " is not a readable CSV file or Delta table (" + e.getMessage() + ")",
                "Check " + ConfigKeys.EXTRACT_LABELS + ", or leave it empty to take labels from the folder layout.",
                e);
    }

    /** The labels table lacks a {@code path} or a {@code label} column. */
    public static TransferlakeException labelsLackPathOrLabel(String location, List<String> columns) {
        return TransferlakeException.cannot(
                READ_LABELS,
                location + " has columns " + columns + ", not path and label",
                "Give it a header row with path,label[,split].");
    }

    /** A class of the Debian package's train split has fewer images than the sample asks for. */
    public static TransferlakeException demoClassTooSmall(DemoConfig config, String className, int available) {
        return TransferlakeException.cannot(
                WRITE_DEMO_DATA,
                "class " + className + " has " + available + " train images, fewer than "
                        + ConfigKeys.DEMO_TRAIN_PER_CLASS + " = " + config.trainPerClass(),
                "Lower " + ConfigKeys.DEMO_TRAIN_PER_CLASS + ".");
    }

    /** Without the Debian package, train and test per class exceed the bundled split's images per class. */
    public static TransferlakeException demoSampleExceedsBundledSplit(DemoConfig config, int available) {
        return TransferlakeException.cannot(
                WRITE_DEMO_DATA,
                ConfigKeys.DEMO_TRAIN_PER_CLASS + " + " + ConfigKeys.DEMO_TEST_PER_CLASS + " = "
                        + (config.trainPerClass() + config.testPerClass()) + " exceeds the " + available
                        + " images per class of the bundled test split (no Debian package in "
                        + config.datasetDir() + ")",
                "Install the Debian package dataset-fashion-mnist, or lower " + ConfigKeys.DEMO_TRAIN_PER_CLASS + ".");
    }

    /** Writing a demo image under {@code imagesRoot} failed. */
    public static TransferlakeException demoDataWriteFailed(URI imagesRoot, Throwable e) {
        return TransferlakeException.cannot(
                WRITE_DEMO_DATA,
                "writing under " + imagesRoot + " failed (" + e.getMessage() + ")",
                "Check that the lake is reachable and writable; a re-run writes only what is missing.",
                e);
    }

    /** Listing what is already under a directory of the lake failed. */
    public static TransferlakeException lakeListingFailed(org.apache.hadoop.fs.Path directory, IOException e) {
        return TransferlakeException.cannot(
                "list " + directory,
                e.getMessage(),
                "Check that the lake is reachable and " + ConfigKeys.LAKE_ROOT + " is right.",
                e);
    }

    // backbone

    /** TensorFlow's native libraries did not load on this {@code platform}. */
    public static TransferlakeException tensorFlowNativesNotLoaded(String platform, String cacheDir, Throwable e) {
        return TransferlakeException.cannot(
                LOAD_TENSORFLOW,
                "its native libraries did not load (" + e.getMessage() + ")",
                "Check that tensorflow-core-native for this platform (" + platform
                        + ") is on the classpath and that the JavaCPP cache (" + cacheDir + ") is writable.",
                e);
    }

    /** JavaCPP loaded TensorFlow but named no library file ({@code loaded} is what it returned). */
    public static TransferlakeException tensorFlowLibraryMissing(String loaded) {
        return TransferlakeException.cannot(
                LOAD_TENSORFLOW,
                "JavaCPP reported no library file (" + loaded + ")",
                "Set org.bytedeco.javacpp.cachedir to a writable local directory.");
    }

    /** TensorFlow refused the localized SavedModel in {@code directory}. */
    public static TransferlakeException backboneNotLoadable(BackboneSpec spec, Path directory, Exception e) {
        return cannotLoad(
                spec,
                "TensorFlow could not load " + directory + " with signature " + spec.signature() + " (" + e.getMessage()
                        + ")",
                "Check " + ConfigKeys.BACKBONE_URI + " and " + ConfigKeys.BACKBONE_SIGNATURE
                        + " (saved_model_cli show --dir … --all lists them).",
                e);
    }

    /** The backbone's {@code saved_model.pb} cannot be read. */
    public static TransferlakeException savedModelUnreadable(BackboneSpec spec, Path savedModelPb, IOException e) {
        return cannotLoad(
                spec,
                savedModelPb + " is unreadable (" + e.getMessage() + ")",
                "Point " + ConfigKeys.BACKBONE_URI + " at a valid TensorFlow SavedModel.",
                e);
    }

    /** The SavedModel has no signature named {@code spec.signature()}; it has {@code signatures}. */
    public static TransferlakeException backboneSignatureMissing(BackboneSpec spec, Set<String> signatures) {
        return cannotLoad(
                spec,
                "the SavedModel has no signature " + spec.signature() + " (it has " + signatures + ")",
                "Set " + ConfigKeys.BACKBONE_SIGNATURE + " to one of those.");
    }

    /** The signature has no tensors of {@code kind} ({@code input} or {@code output}). */
    public static TransferlakeException signatureHasNoTensors(BackboneSpec spec, String kind) {
        return cannotLoad(
                spec,
                "signature " + spec.signature() + " has no " + kind + "s",
                "Set " + ConfigKeys.BACKBONE_SIGNATURE + " to a serving signature of the model.");
    }

    /** The signature takes more than the one image input a backbone is fed. */
    public static TransferlakeException signatureHasSeveralInputs(BackboneSpec spec, List<String> inputs) {
        return cannotLoad(
                spec,
                "signature " + spec.signature() + " has " + inputs.size() + " inputs " + inputs,
                "Export a signature with a single image input.");
    }

    /** The signature has several tensors of {@code kind} and {@code key} does not choose one. */
    public static TransferlakeException signatureTensorAmbiguous(
            BackboneSpec spec, String kind, List<String> tensors, ConfigKey<String> key) {
        return cannotLoad(
                spec,
                "signature " + spec.signature() + " has several " + kind + "s " + tensors,
                "Choose one with " + key + ".");
    }

    /** The tensor of {@code kind} that {@code key} names is not in the signature. */
    public static TransferlakeException signatureTensorMissing(
            BackboneSpec spec, String kind, String wanted, List<String> tensors, ConfigKey<String> key) {
        return cannotLoad(
                spec,
                "signature " + spec.signature() + " has no " + kind + " " + wanted + " (it has " + tensors + ")",
                "Set " + key + " to one of those, or leave it empty.");
    }

    /** The model's input {@code shape} does not take images of the configured size. */
    public static TransferlakeException backboneInputShapeMismatch(BackboneSpec spec, long[] shape) {
        return cannotLoad(
                spec,
                "its input has shape " + Arrays.toString(shape) + " but " + ConfigKeys.BACKBONE_INPUT_SIZE + " is ["
                        + spec.inputHeight() + ", " + spec.inputWidth() + "] with 3 channels (NHWC)",
                "Set " + ConfigKeys.BACKBONE_INPUT_SIZE + " to the model's input size.");
    }

    /** The model's content ({@code digest}) is no longer what the run started with ({@code expectedDigest}). */
    public static TransferlakeException backboneChangedDuringRun(
            BackboneSpec spec, String digest, String expectedDigest) {
        return TransferlakeException.cannot(
                "load backbone " + spec.name(),
                "its content is " + digest + " but this run started with " + expectedDigest,
                "The model at " + spec.uri() + " changed during the run; re-run the job.");
    }

    /** Copying the model into the local cache failed. */
    public static TransferlakeException backboneCopyFailed(BackboneSpec spec, Path cacheDir, IOException e) {
        // I/O, which a later run may get through: a failure, not bad input.
        return TransferlakeException.cannot(
                "load backbone " + spec.name(),
                "copying " + spec.uri() + " into " + cacheDir + " failed (" + e.getMessage() + ")",
                "Check that " + ConfigKeys.BACKBONE_URI + " is readable and the local model cache is writable.",
                e);
    }

    /** The bundled backbone's files in the jar cannot be read. */
    public static TransferlakeException bundledBackboneUnreadable(BackboneSpec spec, IOException e) {
        return cannotLoad(spec, "its files in the jar are unreadable (" + e.getMessage() + ")", "Rebuild the jar.", e);
    }

    /** {@code bundled:<bundledName>} names no backbone shipped in the jar. */
    public static TransferlakeException noSuchBundledBackbone(BackboneSpec spec, String bundledName) {
        return cannotLoad(
                spec,
                "there is no bundled backbone " + bundledName,
                "Use " + BundledBackbone.uris() + ", or point " + ConfigKeys.BACKBONE_URI + " at a SavedModel.");
    }

    /** Nothing exists at the backbone's URI. */
    public static TransferlakeException backboneSourceMissing(BackboneSpec spec) {
        return cannotLoad(
                spec,
                spec.uri() + " does not exist",
                "Point " + ConfigKeys.BACKBONE_URI + " at a SavedModel directory or a .zip/.tar.gz of one.");
    }

    /** The backbone's URI is a file of a kind that is not an archive this can unpack. */
    public static TransferlakeException backboneArchiveUnsupported(BackboneSpec spec) {
        return cannotLoad(
                spec,
                spec.uri() + " is a file but not a .zip, .tar.gz or .tgz archive",
                "Point " + ConfigKeys.BACKBONE_URI + " at a SavedModel directory or an archive of one.");
    }

    /** The backbone's URI holds no {@code saved_model.pb}. */
    public static TransferlakeException noSavedModelPb(BackboneSpec spec) {
        return cannotLoad(
                spec,
                spec.uri() + " holds no saved_model.pb",
                "Point " + ConfigKeys.BACKBONE_URI
                        + " at a TensorFlow SavedModel (e.g. from model.save() in Keras), or import a TF.js model with"
                        + " 'transferlake backbone import'.");
    }

    private static TransferlakeException cannotLoad(BackboneSpec spec, String reason, String fix) {
        return cannotLoad(spec, reason, fix, null);
    }

    /** A backbone that is not what the config says it is: bad input, not a failure a retry could fix. */
    private static TransferlakeException cannotLoad(BackboneSpec spec, String reason, String fix, Throwable cause) {
        return invalidInput("load backbone " + spec.name(), reason, fix, cause);
    }

    // backbone import (TF.js layers models; name is the backbone's)

    /** The {@code model.json} has no weights manifest. */
    public static TransferlakeException noWeightsManifest(String name, Path modelJson) {
        return cannotImport(
                name,
                modelJson + " has no weightsManifest",
                "Pass the model.json of a TF.js layers model (tfjs_layers_model format).");
    }

    /** The model has no layer {@code layer} to cut at; {@code lastLayers} lists its last few. */
    public static TransferlakeException noSuchLayer(String name, String layer, String lastLayers) {
        return cannotImport(
                name,
                "it has no layer named " + layer,
                "Pick one of its layers (--layers, or backbone.layers for a bundled backbone), e.g. " + lastLayers
                        + ".");
    }

    /** The list of cut layers is empty or names a layer twice. */
    public static TransferlakeException badCutLayers(String name, List<String> layers) {
        return cannotImport(
                name,
                "the cut layers " + layers + " are empty or name a layer twice",
                "Give one or more distinct layer names, e.g. --layers block_6_expand_relu,flatten_1.");
    }

    /** A layer of a multi-layer cut is neither a feature map nor a vector. */
    public static TransferlakeException cutLayerNotPoolable(String name, String layer, String shape) {
        return cannotImport(
                name,
                "layer " + layer + " has output shape " + shape
                        + ", neither a [N,H,W,C] feature map nor a [N,C] vector, so it cannot be pooled and concatenated",
                "Cut at a convolutional, pooling or dense layer.");
    }

    /** The cut layer is not fed by the model's input. */
    public static TransferlakeException layerNotAfterInput(String name, String layer) {
        return cannotImport(
                name, "layer " + layer + " does not depend on an InputLayer", "Pick a layer after the model's input.");
    }

    /** Writing the imported SavedModel failed. */
    public static TransferlakeException savedModelWriteFailed(String name, Path output, IOException e) {
        return cannotImport(
                name,
                "writing the SavedModel to " + output + " failed (" + e.getMessage() + ")",
                "Check that the directory is writable.",
                e);
    }

    /** A layer is fed by a layer the model does not define. */
    public static TransferlakeException missingInboundLayer(String name, String layer) {
        return cannotImport(
                name, "a layer refers to a missing layer " + layer, "The model.json is inconsistent: re-export it.");
    }

    /** A layer of a {@code type} the importer cannot rebuild. */
    public static TransferlakeException unsupportedLayerType(
            String name, String layer, String type, Set<String> supported) {
        return cannotImport(
                name,
                "layer " + layer + " has type " + type + ", which the importer does not support (supported: "
                        + String.join(", ", supported) + ")",
                "Cut the model before that layer with --layers, or export the model from Keras as a SavedModel.");
    }

    /** The input layer's {@code batch_input_shape} is not {@code [null, H, W, C]} with H and W fixed. */
    public static TransferlakeException inputNotFixedSizeImages(String name, String batchInputShape) {
        return cannotImport(
                name,
                "its input is not a fixed-size image batch [null, H, W, C] (" + batchInputShape + ")",
                "Import a model with a fixed input size.");
    }

    /** A Dense layer is fed a tensor of {@code rank} other than 2. */
    public static TransferlakeException denseInputNotFlat(String name, String layer, int rank) {
        return cannotImport(
                name,
                "Dense layer " + layer + " gets a rank-" + rank + " input",
                "Only Dense on flat [N, D] inputs is supported: add a Flatten before it, or cut the model earlier.");
    }

    /** A BatchNormalization layer normalizes an {@code axis} other than the channels. */
    public static TransferlakeException batchNormalizationNotOnChannels(String name, String layer, int axis) {
        return cannotImport(
                name,
                "BatchNormalization layer " + layer + " normalizes axis " + axis + ", not the channels",
                "Only channels-last models are supported.");
    }

    /** A ReLU layer is leaky or thresholded. */
    public static TransferlakeException unsupportedRelu(String name, String layer, float slope, float threshold) {
        return cannotImport(
                name,
                "ReLU layer " + layer + " has negative_slope " + slope + " and threshold " + threshold,
                "Only plain ReLU (with an optional max_value) is supported.");
    }

    /** A layer uses an activation the importer cannot rebuild. */
    public static TransferlakeException unsupportedActivation(String name, String layer, String activation) {
        return cannotImport(
                name,
                "layer " + layer + " uses activation " + activation + ", which the importer does not support",
                "Supported activations: linear, relu, relu6, sigmoid, tanh, softmax.");
    }

    /** The weight {@code key} ({@code layer/parameter}) is not in the weights manifest. */
    public static TransferlakeException missingWeight(String name, String key) {
        return cannotImport(
                name,
                "weight " + key + " is missing from the weights manifest",
                "Re-export the model with its weights.");
    }

    /** A single-input layer is fed {@code inputs} tensors. */
    public static TransferlakeException layerNotSingleInput(String name, String layer, int inputs) {
        return cannotImport(
                name, "layer " + layer + " has " + inputs + " inputs where one is expected", "Re-export the model.");
    }

    /** A layer uses a {@code dataFormat} other than channels_last. */
    public static TransferlakeException unsupportedDataFormat(String name, String layer, String dataFormat) {
        return cannotImport(
                name, "layer " + layer + " uses data_format " + dataFormat, "Only channels_last models are supported.");
    }

    /** A layer uses a {@code padding} other than same or valid. */
    public static TransferlakeException unsupportedPadding(String name, String layer, String padding) {
        return cannotImport(
                name, "layer " + layer + " uses padding " + padding, "Only 'same' and 'valid' are supported.");
    }

    /** A layer is called {@code calls} times in the graph. */
    public static TransferlakeException sharedLayer(String name, String layer, int calls) {
        return cannotImport(
                name, "layer " + layer + " is shared (called " + calls + " times)", "Shared layers are not supported.");
    }

    /** The layers' {@code inbound_nodes} are not in Keras 2's format. */
    public static TransferlakeException unsupportedInboundNodes(String name) {
        return cannotImport(
                name,
                "its inbound_nodes use a format other than Keras 2's [[name, node, tensor, kwargs]]",
                "Export the model with Keras 2 / tfjs-converter's tfjs_layers_model format.");
    }

    /** The {@code model.json} cannot be read or parsed. */
    public static TransferlakeException modelJsonUnreadable(String name, Path modelJson, Exception e) {
        return cannotImport(
                name,
                modelJson + " is not a readable JSON model (" + e.getMessage() + ")",
                "Pass the model.json of a TF.js layers model.",
                e);
    }

    /** A weight is quantized as a {@code storage} type other than uint8 or uint16. */
    public static TransferlakeException unsupportedQuantization(String name, String weight, String storage) {
        return cannotImport(
                name,
                "weight " + weight + " is quantized as " + storage,
                "Only uint8 and uint16 quantization are supported.");
    }

    /** An unquantized weight has a {@code dtype} other than float32. */
    public static TransferlakeException unsupportedWeightDtype(String name, String weight, String dtype) {
        return cannotImport(name, "weight " + weight + " has dtype " + dtype, "Only float32 weights are supported.");
    }

    /** The weight files end before {@code weight}. */
    public static TransferlakeException weightsTruncated(String name, String weight) {
        return cannotImport(
                name,
                "the weight files end before weight " + weight,
                "The weight files are truncated: extract them again.");
    }

    /** A weight file of the manifest cannot be read. */
    public static TransferlakeException weightFileUnreadable(String name, IOException e) {
        return cannotImport(
                name,
                "a weight file is unreadable (" + e.getMessage() + ")",
                "Keep the weight files next to model.json.",
                e);
    }

    private static TransferlakeException cannotImport(String name, String reason, String fix) {
        return cannotImport(name, reason, fix, null);
    }

    private static TransferlakeException cannotImport(String name, String reason, String fix, Throwable cause) {
        return TransferlakeException.cannot("import backbone " + name, reason, fix, cause);
    }

    // embedding

    /** The transformer's input column is not in the frame. */
    public static TransferlakeException noInputColumn(String column, String[] columns) {
        return TransferlakeException.cannot(
                EMBED_IMAGES,
                "there is no column " + column + " (columns: " + String.join(", ", columns) + ")",
                "Set inputCol to the column holding the image bytes.");
    }

    /** The transformer's input column holds {@code type}, not bytes. */
    public static TransferlakeException inputColumnNotBinary(String column, String type) {
        return TransferlakeException.cannot(
                EMBED_IMAGES,
                "column " + column + " has type " + type + ", expected binary",
                "Set inputCol to a binary column, such as content from spark.read.format(\"binaryFile\").");
    }

    /** One of the transformer's output columns is already in the frame. */
    public static TransferlakeException outputColumnExists(String column) {
        return TransferlakeException.cannot(
                EMBED_IMAGES,
                "the output column " + column + " already exists",
                "Drop it first or choose another output column name.");
    }

    /** A GPU was required but Spark assigned none to the task; {@code gpuSettings} are the Spark settings to set. */
    public static TransferlakeException noGpuAssigned(String gpuSettings) {
        return TransferlakeException.cannot(
                EMBED_ON_GPU,
                ConfigKeys.EMBED_DEVICE + " is gpu but Spark assigned no GPU to this task",
                "Set " + gpuSettings + ", or set " + ConfigKeys.EMBED_DEVICE + " to auto or cpu.");
    }

    /** Spark assigned a GPU {@code address} that is not a CUDA device index. */
    public static TransferlakeException gpuAddressNotAnIndex(String address) {
        return TransferlakeException.cannot(
                EMBED_ON_GPU,
                "Spark assigned GPU address '" + address + "', which is not a device index",
                "Make the discovery script report CUDA device indices (0, 1, ...).");
    }

    /** The backbone failed on a batch of images. */
    public static TransferlakeException embeddingFailed(String backboneId, Exception e) {
        return TransferlakeException.cannot(
                "embed with backbone " + backboneId,
                e.getMessage(),
                "Check the backbone's input size and preprocessing.",
                e);
    }

    // lake

    /** Preparing the embedded lake's data directory failed. */
    public static TransferlakeException embeddedLakeIoFailed(Path dataDir, IOException e) {
        return TransferlakeException.cannot(
                START_EMBEDDED_LAKE,
                "I/O error in " + dataDir + " (" + e.getMessage() + ")",
                "Check that " + ConfigKeys.LAKE_EMBEDDED_DATA_DIR + " is writable.",
                e);
    }

    /** The system property {@code property} names no S3Proxy jar ({@code value} is what it holds). */
    public static TransferlakeException s3ProxyJarMissing(String property, String value) {
        return TransferlakeException.cannot(
                START_EMBEDDED_LAKE,
                "the S3Proxy jar was not found (system property " + property + " = " + value + ")",
                "Run through bin/transferlake, which provides it, or set " + ConfigKeys.LAKE_ENDPOINT
                        + " to your S3 endpoint.");
    }

    /** S3Proxy exited before it listened; {@code logTail} is the end of its {@code log}. */
    public static TransferlakeException s3ProxyExited(int exitCode, String logTail, Path log, int port) {
        return TransferlakeException.cannot(
                START_EMBEDDED_LAKE,
                "S3Proxy exited with code " + exitCode + " (" + logTail + ")",
                "See " + log + "; if port " + port + " is taken, set " + ConfigKeys.LAKE_EMBEDDED_PORT + "=0.");
    }

    /** S3Proxy did not listen within the startup timeout. */
    public static TransferlakeException s3ProxyNotListening(int port, long timeoutSeconds, Path log) {
        return TransferlakeException.cannot(
                START_EMBEDDED_LAKE,
                "S3Proxy did not listen on port " + port + " within " + timeoutSeconds + " s",
                "See " + log + ".");
    }

    /** {@code lake serve} was asked for a lake that is not the embedded one. */
    public static TransferlakeException lakeNotEmbedded(String endpoint) {
        return TransferlakeException.cannot(
                "serve the lake",
                ConfigKeys.LAKE_ENDPOINT + " is " + endpoint + ", not embedded",
                "Run it with --conf " + ConfigKeys.LAKE_ENDPOINT + "=embedded.");
    }

    /** Hadoop has no file system for the lake's root. */
    public static TransferlakeException noFileSystem(URI root, IOException e) {
        return TransferlakeException.cannot(
                "open the lake",
                "no file system for " + root + " (" + e.getMessage() + ")",
                "Check " + ConfigKeys.LAKE_ROOT + " and that the matching Hadoop connector is on the classpath.",
                e);
    }

    // heads

    /** A head is trained on a column that is not an array of floats or doubles. */
    public static TransferlakeException notAnEmbeddingColumn(String column) {
        return TransferlakeException.cannot(
                "train a head",
                "column " + column + " is missing or not an array of float/double",
                "Train on the embedding column of the features table.");
    }

    /** The labeled training features of {@code backboneId} hold fewer than two {@code classes}. */
    public static TransferlakeException tooFewClasses(String backboneId, Set<String> classes) {
        return TransferlakeException.cannot(
                TRAIN_HEADS,
                "the labeled training features of " + backboneId + " have " + classes.size() + " class(es) " + classes,
                "Label images of at least 2 classes and run extract.");
    }

    /** A class has fewer training examples than the configured minimum. */
    public static TransferlakeException tooFewExamples(String label, long examples, int minimum) {
        return TransferlakeException.cannot(
                TRAIN_HEADS,
                "class " + label + " has " + examples + " training example(s), fewer than "
                        + ConfigKeys.HEADS_MIN_EXAMPLES_PER_CLASS + " = " + minimum,
                "Label more images of " + label + ", or lower that setting.");
    }

    /** Held-out {@code classes} have no training examples. */
    public static TransferlakeException heldOutClassesUnseen(List<String> classes) {
        return TransferlakeException.cannot(
                TRAIN_HEADS,
                "held-out classes " + classes + " have no training examples",
                "Add training images of those classes.");
    }

    /** The held-out split is empty. */
    public static TransferlakeException emptyHeldOutSet() {
        return TransferlakeException.cannot(
                TRAIN_HEADS,
                "the held-out set is empty",
                "Add test images or raise " + ConfigKeys.HEADS_TEST_FRACTION + ".");
    }

    /** A temperature-scaling stage was given a frame without the classifier's logits. */
    public static TransferlakeException noLogitsColumn(String column, String[] columns) {
        return TransferlakeException.cannot(
                "calibrate probabilities",
                "the input has no vector column " + column + " (columns: " + String.join(", ", columns) + ")",
                "Put TemperatureScaling after a classifier that writes raw predictions (logits).");
    }

    /** A head {@code algorithm} that is not one of {@link HeadsConfig#ALGORITHMS}. */
    public static TransferlakeException unknownHeadAlgorithm(String algorithm) {
        return TransferlakeException.cannot(
                TRAIN_HEADS,
                "unknown algorithm " + algorithm,
                "Use one of " + HeadsConfig.ALGORITHMS + " in " + ConfigKeys.HEADS_ALGORITHMS + ".");
    }

    /** Saving a trained head's model to {@code modelUri} failed. */
    public static TransferlakeException headSaveFailed(String headId, String modelUri, IOException e) {
        return TransferlakeException.cannot(
                "save head " + headId,
                "writing " + modelUri + " failed (" + e.getMessage() + ")",
                "Check that " + ConfigKeys.LAKE_ROOT + " is writable.",
                e);
    }

    /** There is no head {@code headId} to promote. */
    public static TransferlakeException noSuchHead(String headId) {
        return TransferlakeException.cannot(
                "promote head " + headId, "there is no such head", "List the heads with 'transferlake heads list'.");
    }

    /** {@code backboneId} has no champion to roll back. */
    public static TransferlakeException noChampionToRollBack(String backboneId) {
        return TransferlakeException.cannot(
                "roll back the champion of " + backboneId, "there is no champion", "Train and promote a head first.");
    }

    /** {@code championId} is the first champion of {@code backboneId}: there is none to go back to. */
    public static TransferlakeException noEarlierChampion(String backboneId, String championId) {
        return TransferlakeException.cannot(
                "roll back the champion of " + backboneId,
                "no earlier champion exists (" + championId + " is the first)",
                "Promote another head by id instead.");
    }

    // score

    /** There is no head {@code headId} to score with. */
    public static TransferlakeException noHeadToScoreWith(String headId) {
        return TransferlakeException.cannot(
                SCORE, "there is no head " + headId, "List the heads with 'transferlake heads list'.");
    }

    /** The configured backbone has no champion head to score with. */
    public static TransferlakeException noChampionToScoreWith(String backboneName) {
        return TransferlakeException.cannot(
                SCORE,
                "there is no champion head for backbone " + backboneName,
                "Run 'transferlake train' first, or pass --head <id>.");
    }

    /** An export {@code format} that is not one of {@code formats}. */
    public static TransferlakeException unknownExportFormat(String format, List<String> formats) {
        String choices =
                String.join(", ", formats.subList(0, formats.size() - 1)) + " or " + formats.get(formats.size() - 1);
        return TransferlakeException.cannot(
                "export predictions",
                "format " + format + " is not one of " + formats,
                "Pass --format " + choices + ".");
    }

    // bench

    /** The child process measuring the backbone failed; its output is in {@code log}. */
    public static TransferlakeException benchmarkProcessFailed(Path log) {
        return TransferlakeException.cannot(
                BENCHMARK_BACKBONE,
                "the measuring process failed (see " + log + ")",
                "Run 'transferlake backbone show' to check that the backbone loads.");
    }

    /** The backbone benchmark's temporary log could not be written or read. */
    public static TransferlakeException benchmarkLogFailed(IOException e) {
        return TransferlakeException.cannot(
                BENCHMARK_BACKBONE, e.getMessage(), "Check that the temp directory is writable.", e);
    }

    /** The scale benchmark's image count cannot be split evenly over its directories and phases. */
    public static TransferlakeException benchScaleImageCount(long images, int smallest, int shards) {
        return invalidInput(
                "benchmark scale",
                "--images must be at least " + smallest + " and a multiple of " + shards
                        + " (the images are split into " + shards + " directories), got " + images,
                "Pass e.g. --images 100000.");
    }

    /** The scale benchmark's plan listing cannot be split evenly over its directories. */
    public static TransferlakeException benchPlanPathCount(long planPaths, int directories) {
        return invalidInput(
                "benchmark scale",
                "--plan-paths must be 0 (no plan phase) or a positive multiple of " + directories + ", got "
                        + planPaths,
                "Pass e.g. --plan-paths 1000000.");
    }

    /** A heap no child JVM can run an extract in. */
    public static TransferlakeException benchDriverHeapTooSmall(int heapMb, int smallestMb) {
        return invalidInput(
                "benchmark scale",
                "--driver-heap must be at least " + smallestMb + " MB, got " + heapMb,
                "Pass e.g. --driver-heap 1024.");
    }

    /** A bench phase's child JVM failed: its log says why. */
    public static TransferlakeException benchPhaseFailed(String phase, int exitCode, Path log) {
        return TransferlakeException.cannot(
                "benchmark scale",
                "phase '" + phase + "' exited with code " + exitCode,
                "Its output is in " + log + ".");
    }

    /** A bench phase's child JVM succeeded but did not print the line its numbers come from. */
    public static TransferlakeException benchPhaseOutputUnexpected(String phase, String lineStart, Path log) {
        return TransferlakeException.cannot(
                "benchmark scale",
                "phase '" + phase + "' printed no line starting '" + lineStart + "'",
                "Its output is in " + log + "; this is a bug if it finished normally.");
    }

    /** The scale benchmark's local files (logs, GC logs, the plan's listing) could not be written or read. */
    public static TransferlakeException benchLocalFileFailed(Path path, java.io.IOException e) {
        return TransferlakeException.cannot(
                "benchmark scale",
                "reading or writing " + path + " failed (" + e.getMessage() + ")",
                "Pass a writable local directory with --work-dir.",
                e);
    }

    /** The lake did not answer while the scale benchmark checked which of its images exist. */
    public static TransferlakeException benchImagesUnreachable(URI marker, java.io.IOException e) {
        return TransferlakeException.cannot(
                "benchmark scale",
                "checking " + marker + " failed (" + e.getMessage() + ")",
                "Check that the lake is reachable and the credentials can read it.",
                e);
    }

    /** The extract benchmark's image count cannot be split evenly over the 10 classes. */
    public static TransferlakeException benchImageCountNotTens(int images) {
        return TransferlakeException.cannot(
                "benchmark extract",
                "--images must be a positive multiple of 10 (as many of each class), got " + images,
                "Pass e.g. --images 1200.");
    }

    // runs

    /** Another run, {@code holder}, holds the lake {@code lock} and its heartbeat is live. */
    public static TransferlakeException lockHeld(String job, org.apache.hadoop.fs.Path lock, String holder) {
        return TransferlakeException.cannot(
                TransferlakeException.Kind.LOCK_HELD,
                "start " + job,
                "another run holds the lake lock " + lock + ": " + holder,
                "Nothing was changed. Wait for it to finish; a run that died is taken over once its heartbeat"
                        + " has stopped for " + ConfigKeys.RUNS_LOCK_EXPIRY_MINUTES + ".",
                null);
    }

    /** The bucket of the lake root does not exist at the endpoint. */
    public static TransferlakeException lakeBucketMissing(URI root, String endpoint) {
        return invalidInput(
                "open the lake " + root,
                "bucket " + root.getHost() + " does not exist at " + endpoint,
                "Create the bucket, or fix " + ConfigKeys.LAKE_ROOT + " or " + ConfigKeys.LAKE_ENDPOINT + ".");
    }

    /** The credentials may not read the lake root. */
    public static TransferlakeException lakeAccessDenied(URI root, String endpoint, IOException e) {
        return invalidInput(
                "open the lake " + root,
                endpoint + " denied access (" + firstLine(e) + ")",
                "Check the credentials (" + ConfigLoader.SECRET_ENVIRONMENT.get(ConfigKeys.LAKE_ACCESS_KEY.name())
                        + ", or the AWS default chain) and their permissions on the bucket.",
                e);
    }

    /** The endpoint did not answer the first request. */
    public static TransferlakeException lakeUnreachable(URI root, String endpoint, Exception e) {
        return invalidInput(
                "open the lake " + root,
                endpoint + " did not answer (" + firstLine(e) + ")",
                "Check " + ConfigKeys.LAKE_ENDPOINT + " and that the object store is up.",
                e);
    }

    /** The object store failed mid-run, after s3a's bounded retries: {@code lakeCause} says how, within {@code e}. */
    public static TransferlakeException lakeFailedDuringRun(
            String job, String runId, String endpoint, Throwable lakeCause, Throwable e) {
        return TransferlakeException.cannot(
                "finish " + job + " run " + runId,
                "the lake at " + endpoint + " stopped answering (" + firstLine(lakeCause) + ")",
                "No table got a partial version. Run it again once the object store is back: it resumes where this"
                        + " run stopped.",
                e);
    }

    /** A Spark job of the run failed for a reason other than the lake (the run is recorded as failed). */
    public static TransferlakeException runFailed(String job, String runId, Throwable e) {
        return TransferlakeException.cannot(
                "finish " + job + " run " + runId,
                firstLine(e),
                "The runs table records it as failed; the driver log has the stack traces, executors' included.",
                e);
    }

    /** An exception's message up to its first line break (s3a's can run to a page). */
    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** What a run that died without recording its outcome gets as its error, found by run {@code byRunId}. */
    public static TransferlakeException runAbandoned(String byRunId) {
        return TransferlakeException.cannot(
                "finish the run",
                "it died before recording its outcome (found by " + byRunId + ")",
                "Nothing to do: each of its writes was committed whole or not at all, and the next run redoes what"
                        + " is missing.");
    }

    /** {@code maintain} was asked to VACUUM with a retention below Delta's floor and without {@code --force}. */
    public static TransferlakeException vacuumRetentionBelowFloor(int retentionHours, int floorHours) {
        return invalidInput(
                "maintain the lake",
                ConfigKeys.MAINTAIN_VACUUM_RETENTION_HOURS + " is " + retentionHours + " hours, below Delta's floor of "
                        + floorHours + ": VACUUM could delete files that a running reader or a time-travel query"
                        + " still needs",
                "Keep it at " + floorHours + " or more, or pass --force if no reader or writer is running.");
    }

    /** Another run took the lake {@code lock} at the same moment as this one. */
    public static TransferlakeException lockRetaken(String job, org.apache.hadoop.fs.Path lock) {
        return TransferlakeException.cannot(
                TransferlakeException.Kind.LOCK_HELD,
                "start " + job,
                "another run took the lake lock " + lock + " at the same moment",
                "Nothing was changed. Wait for that run to finish.",
                null);
    }

    /** The lake {@code lock} cannot be read or written. */
    public static TransferlakeException lockNotWritable(String job, org.apache.hadoop.fs.Path lock, IOException e) {
        return TransferlakeException.cannot(
                "start " + job,
                "the lake lock " + lock + " is not writable (" + e.getMessage() + ")",
                "Check that the lake is reachable and " + ConfigKeys.LAKE_ROOT + " is writable.",
                e);
    }

    /** An extract run's counts do not add up to the images it listed: a bug. */
    public static TransferlakeException extractCountsDoNotAddUp(
            String runId, long listed, long embedded, long quarantined, long unchanged) {
        return TransferlakeException.cannot(
                "reconcile extract " + runId,
                "listed " + listed + " ≠ embedded " + embedded + " + quarantined " + quarantined + " + unchanged "
                        + unchanged,
                "This is a bug: report it with the runs table row of " + runId + ".");
    }

    /** A run of {@code job} failed with an {@code error} no method here describes: a bug, or Spark's or Delta's. */
    public static TransferlakeException unexpected(String job, String runId, Throwable error) {
        return TransferlakeException.cannot(
                "finish " + job,
                error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage()),
                "This is a bug or an unexpected failure of Spark, Delta or the lake: see the driver log of run " + runId
                        + ".",
                error);
    }

    // benchmarks

    /** A {@code bench accuracy --variant} that is not {@code NAME:KEY=VALUE;...}. */
    public static TransferlakeException badBenchVariant(String variant) {
        return invalidInput(
                LOAD_CONFIG,
                "--variant '" + variant + "' is not NAME:KEY=VALUE;KEY=VALUE",
                "Name the variant, then its config overrides, e.g. 'tf:backbone.preprocessing=tf'.");
    }

    /** {@code bench accuracy --images} found no image with a label under the root. */
    public static TransferlakeException noLabelledBenchImages(java.net.URI root) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "no labelled images under " + root,
                "Lay the images out as <root>/<split>/<label>/<file> (split: train, test; or no split folder), "
                        + "or set " + ConfigKeys.EXTRACT_LABELS + " to a labels table.");
    }

    /** Reading one image of the benchmark set failed. */
    public static TransferlakeException benchImageUnreadable(String path, IOException e) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "reading " + path + " failed (" + e.getMessage() + ")",
                "Check the path and the lake's credentials.",
                e);
    }

    /** Writing a benchmark's plot failed. */
    public static TransferlakeException plotWriteFailed(Path png, IOException e) {
        return TransferlakeException.cannot(
                "write the plot",
                "writing " + png + " failed (" + e.getMessage() + ")",
                "Pass a writable --plot path.",
                e);
    }

    /** {@code bench accuracy} was given budgets or a test cap it cannot use. */
    public static TransferlakeException badBenchBudgets(List<Integer> budgets, int testPerClass) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "--budgets " + budgets + " and --test-per-class " + testPerClass
                        + " must be a non-empty list of labels per class >= 0 and a count >= 0",
                "Pass e.g. --budgets 10,100,1000,0 (0 = all labels) --test-per-class 0 (0 = every test image).");
    }

    /** Two {@code bench accuracy} feature sets with one name. */
    public static TransferlakeException duplicateBenchVariant(String name) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "two feature sets are named '" + name + "' (the raw-pixel baseline is 'raw pixels')",
                "Give every --variant its own name.");
    }

    /** A {@code bench accuracy --variant} key that would change the heads, not the backbone. */
    public static TransferlakeException benchVariantKeyNotBackbone(String variant, String key) {
        return invalidInput(
                LOAD_CONFIG,
                "--variant '" + variant + "' sets " + key + ", but a variant may only change backbone.* and embed.*"
                        + " keys (every variant is measured with the same heads)",
                "Set head keys for all variants with --conf.");
    }

    /** The benchmark could not create its temporary directory for feature files. */
    public static TransferlakeException benchWorkDirectoryFailed(IOException e) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "creating a directory under " + System.getProperty("java.io.tmpdir") + " failed (" + e.getMessage()
                        + ")",
                "Free space there, or point -Djava.io.tmpdir at a writable disk.",
                e);
    }

    /** None of the benchmark's images decoded. */
    public static TransferlakeException noBenchImagesDecoded(String variant) {
        return TransferlakeException.cannot(
                BENCHMARK_ACCURACY,
                "no image decoded for " + variant + " (every one was rejected as extract would quarantine it)",
                "Run extract on the same images and read the quarantine table.");
    }

    // SQL, catalog, similarity

    /** The catalog already has one of our names, at another lake's location. */
    public static TransferlakeException tableRegisteredElsewhere(String name, String where, String expected) {
        return invalidInput(
                "register " + name,
                "the catalog already has it " + where + ", not at this lake's " + expected,
                "If that table is stale, DROP TABLE " + name + " and register again; otherwise register this lake"
                        + " in another metastore.");
    }

    /** A statement of a {@code sql} session failed; {@code reason} is Spark's message, on one line. */
    public static TransferlakeException sqlStatementFailed(int statement, int line, String reason) {
        return TransferlakeException.cannot(
                "run statement " + statement + " (line " + line + ")",
                reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason,
                "Fix it and run it again.");
    }

    /** The {@code -f} file of {@code sql} or a notebook cannot be read. */
    public static TransferlakeException sqlFileUnreadable(Path file, IOException e) {
        return invalidInput(
                "read " + file,
                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                "Check the path and its permissions.",
                e);
    }

    /** The two arrays given to {@code cosine_similarity} differ in length: two feature spaces. */
    public static TransferlakeException vectorLengthsDiffer(String function, int left, int right) {
        return invalidInput(
                "compute " + function,
                "the arrays have " + left + " and " + right + " elements",
                "Compare embeddings of one backbone_id (transferlake.features_current holds one).");
    }

    /** {@code similar} was asked for a path with no embedding under the configured backbone. */
    public static TransferlakeException noEmbeddingToCompare(String path, String backboneId) {
        return invalidInput(
                "find images similar to " + path,
                "it has no embedding under " + backboneId,
                "Run extract over it first, or check the path: SELECT path FROM transferlake.features_current.");
    }

    /** {@code similar -k} out of range. */
    public static TransferlakeException similarCountOutOfRange(int k, int max) {
        return invalidInput(
                "find similar images", "-k is " + k + "; it must be between 1 and " + max, "Pass a k in that range.");
    }

    /** {@code sql --output} names no format. */
    public static TransferlakeException unknownResultFormat(String name) {
        return invalidInput("print results", "'" + name + "' is not an output format", "Use table, csv or json.");
    }

    /** {@code sql --max-rows} below zero. */
    public static TransferlakeException negativeMaxRows(int maxRows) {
        return invalidInput(
                "print results", "--max-rows is " + maxRows, "Pass 0 to print every row, or a positive limit.");
    }

    /** {@code bench similar} sizes out of range. */
    public static TransferlakeException benchSimilarSizes(int rows, int dim) {
        return invalidInput(
                "benchmark similarity",
                "--rows is " + rows + " and --dim " + dim + "; there must be at least 2 rows of at least 1 float",
                "Pass --rows 2 or more and --dim 1 or more.");
    }

    /** The kept table of {@code bench similar} holds another number of rows than asked. */
    public static TransferlakeException benchSimilarTableChanged(URI table, long kept, int rows) {
        return invalidInput(
                "benchmark similarity",
                table + " holds " + kept + " rows, not the " + rows + " asked for",
                "Delete that directory, and the benchmark generates it again.");
    }

    /** Our top-k and the SQL pattern's differ from the whole-table sort's. */
    public static TransferlakeException benchSimilarDisagrees(
            List<String> reference, List<String> ours, List<String> sql) {
        return TransferlakeException.cannot(
                "benchmark similarity",
                "the top-k differ: whole-table sort " + reference + ", ours " + ours + ", SQL " + sql,
                "This is a bug: report it with this output.");
    }

    /** {@code sql -e} or {@code -f} was given nothing to run. */
    public static TransferlakeException noStatements(String source) {
        return invalidInput(
                "run sql",
                source + " holds no statement (only blanks or comments)",
                "Give it statements, or run transferlake sql without -e and -f for the interactive shell.");
    }

    /** A notebook cell's chart names a column its result lacks. */
    public static TransferlakeException chartColumnMissing(String column, List<String> columns) {
        return invalidInput(
                "draw the chart",
                "the result has no column " + column + " (it has " + String.join(", ", columns) + ")",
                "Name one of those in the cell's metadata (transferlake.chart).");
    }

    /** A notebook file is not a Jupyter notebook we can run. */
    public static TransferlakeException notebookUnreadable(Path file, String reason) {
        return invalidInput(
                "run notebook " + file,
                reason,
                "Give it a Jupyter notebook (.ipynb, nbformat 4) whose code cells are Spark SQL.");
    }

    /** A notebook could not be written. */
    public static TransferlakeException notebookUnwritable(Path file, IOException e) {
        return TransferlakeException.cannot(
                "write notebook " + file,
                e.getClass().getSimpleName() + ": " + e.getMessage(),
                "Check the path and its permissions.",
                e);
    }

    /** A notebook cell's chart has an unknown type or no value columns. */
    public static TransferlakeException chartSpecInvalid(String type, List<String> y) {
        return invalidInput(
                "draw the chart",
                "its type is '" + type + "' and its value columns " + y,
                "Give transferlake.chart a type of bar or line and y as a list of numeric columns.");
    }

    /** A notebook cell's chart draws a column that holds no numbers. */
    public static TransferlakeException chartColumnNotNumeric(String column, String type) {
        return invalidInput(
                "draw the chart",
                "column " + column + " is " + type + ", not a number",
                "Chart a numeric column, or cast it in the query.");
    }

    /** A notebook cell's chart has a category twice: one bar would hide the other. */
    public static TransferlakeException chartCategoryRepeats(String column, String category) {
        return invalidInput(
                "draw the chart",
                "category " + category + " of column " + column + " appears more than once",
                "Group the query by the chart's x column.");
    }

    /** Cells of a notebook marked {@code expect_rows} returned none. */
    public static TransferlakeException notebookCellsEmpty(Path notebook, List<Integer> cells) {
        return TransferlakeException.cannot(
                "trust notebook " + notebook,
                "code cells " + cells + " expect rows and returned none",
                "Check that the lake has had an extract, a train and a score run (transferlake nightly).");
    }

    /** A learning-curve CSV from {@code bench accuracy} holds no measurement or cannot be parsed. */
    public static TransferlakeException learningCurveUnreadable(Path csv, String reason, Throwable cause) {
        return invalidInput(
                "draw the learning curves of " + csv,
                reason,
                "Run transferlake bench accuracy again (it writes the CSV beside its PNG), or pass --accuracy-results"
                        + " of another run.",
                cause);
    }

    /** The report could not be written. */
    public static TransferlakeException reportUnwritable(Path file, IOException e) {
        return TransferlakeException.cannot(
                "write the report " + file,
                e.getClass().getSimpleName() + ": " + e.getMessage(),
                "Pass a writable --output path.",
                e);
    }

    /** The report's path (report --output, or the demo's fixed one) names a directory. */
    public static TransferlakeException reportOutputIsADirectory(Path output) {
        return invalidInput(
                "write the report " + output,
                "it is a directory",
                "Rename or remove it, or (with transferlake report) pass a file name, e.g. --output "
                        + output.resolve("report.html") + ".");
    }
}
