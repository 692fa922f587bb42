package org.transferlake.embed;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigKeys;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.DeviceMode;
import org.transferlake.config.EmbedConfig;
import org.transferlake.config.Errors;
import org.transferlake.config.Pooling;
import org.transferlake.config.Preprocessing;

/**
 * Turns a column of image bytes (e.g. the {@code content} of Spark's {@code binaryFile} source)
 * into embeddings with a frozen backbone. Each partition streams through in batches: decode →
 * resize → preprocess → one backbone call per batch. Adds {@code embedding} ({@code array<float>},
 * null for refused images), {@code width}, {@code height} (of the decoded image) and
 * {@code error} / {@code error_message} (null when fine): a bad image never fails the task.
 *
 * <p>The backbone is loaded once per executor JVM and shared by its tasks; the device is the GPU
 * Spark assigned to the task, or the CPU. Saved and loaded like any Spark ML stage, so it can sit
 * in a {@code Pipeline}; from PySpark use {@code JavaTransformer} with this class name.
 */
public final class EmbeddingTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> widthCol;
    private final Param<String> heightCol;
    private final Param<String> errorCol;
    private final Param<String> errorMessageCol;
    private final Param<String> backboneName;
    private final Param<String> backboneUri;
    private final Param<String> backboneId;
    private final IntParam inputHeight;
    private final IntParam inputWidth;
    private final Param<String> preprocessing;
    private final Param<String> signature;
    private final Param<String> inputTensor;
    private final Param<String> outputTensor;
    private final Param<String> pooling;
    private final StringArrayParam cutLayers;
    private final Param<String> modelCacheDir;
    private final IntParam batchSize;
    private final Param<String> device;
    private final LongParam maxPixels;
    /** Not a Param: a live counter for progress lines, never saved. */
    private transient LongAccumulator progress;

    public EmbeddingTransformer() {
        this(Identifiable$.MODULE$.randomUID("embed"));
    }

    public EmbeddingTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "binary column of encoded image bytes");
        outputCol = new Param<>(this, "outputCol", "output column: array<float> embedding");
        widthCol = new Param<>(this, "widthCol", "output column: decoded image width");
        heightCol = new Param<>(this, "heightCol", "output column: decoded image height");
        errorCol = new Param<>(this, "errorCol", "output column: reason code of a refused image, null when fine");
        errorMessageCol = new Param<>(this, "errorMessageCol", "output column: why the image was refused");
        backboneName = new Param<>(this, "backboneName", "backbone name");
        backboneUri = new Param<>(this, "backboneUri", "bundled:<name> or a SavedModel URI");
        backboneId = new Param<>(
                this, "backboneId", "expected <name>@sha256:<digest>; empty = computed on the driver at transform");
        inputHeight = new IntParam(this, "inputHeight", "backbone input height", ParamValidators.gtEq(1));
        inputWidth = new IntParam(this, "inputWidth", "backbone input width", ParamValidators.gtEq(1));
        preprocessing = new Param<>(
                this,
                "preprocessing",
                "unit | tf | caffe | torch",
                ParamValidators.inArray(names(Preprocessing.values())));
        signature = new Param<>(this, "signature", "SavedModel signature key");
        inputTensor = new Param<>(this, "inputTensor", "signature input; empty = the only one");
        outputTensor = new Param<>(this, "outputTensor", "signature output; empty = the only one");
        pooling = new Param<>(this, "pooling", "none | avg | max", ParamValidators.inArray(names(Pooling.values())));
        cutLayers = new StringArrayParam(
                this, "cutLayers", "bundled backbones: layers pooled and concatenated; empty = default cut");
        modelCacheDir = new Param<>(
                this, "modelCacheDir", "local model cache on each machine; empty = <tmp>/transferlake-models");
        batchSize = new IntParam(this, "batchSize", "images per backbone call", ParamValidators.inRange(1, 1024));
        device = new Param<>(this, "device", "auto | cpu | gpu", ParamValidators.inArray(names(DeviceMode.values())));
        maxPixels = new LongParam(this, "maxPixels", "refuse images declaring more pixels", ParamValidators.gtEq(1));
        setDefault(inputCol, "content");
        setDefault(outputCol, "embedding");
        setDefault(widthCol, "width");
        setDefault(heightCol, "height");
        setDefault(errorCol, "error");
        setDefault(errorMessageCol, "error_message");
        // The defaults are the configuration's (conf/default.conf), never restated here.
        BackboneSpec backbone = ConfigLoader.defaults().backbone();
        EmbedConfig embed = ConfigLoader.defaults().embed();
        setDefault(backboneName, backbone.name());
        setDefault(backboneUri, backbone.uri());
        setDefault(backboneId, "");
        setDefault(inputHeight, backbone.inputHeight());
        setDefault(inputWidth, backbone.inputWidth());
        setDefault(preprocessing, lower(backbone.preprocessing()));
        setDefault(signature, backbone.signature());
        setDefault(inputTensor, backbone.inputName());
        setDefault(outputTensor, backbone.outputName());
        setDefault(pooling, lower(backbone.pooling()));
        setDefault(cutLayers, backbone.cutLayers().toArray(String[]::new));
        setDefault(modelCacheDir, ConfigKeys.BACKBONE_CACHE_DIR.defaultValue());
        setDefault(batchSize, embed.batchSize());
        setDefault(device, lower(embed.device()));
        setDefault(maxPixels, embed.maxPixels());
    }

    private static String[] names(Enum<?>[] values) {
        return Arrays.stream(values).map(EmbeddingTransformer::lower).toArray(String[]::new);
    }

    /** How the configuration writes an enum's constant. */
    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Configures the backbone from a spec; {@code id} is its {@code name@sha256:…} (may be empty). */
    public EmbeddingTransformer setBackbone(BackboneSpec spec, String id) {
        set(backboneName, spec.name());
        set(backboneUri, spec.uri());
        set(backboneId, id);
        set(inputHeight, spec.inputHeight());
        set(inputWidth, spec.inputWidth());
        set(preprocessing, lower(spec.preprocessing()));
        set(signature, spec.signature());
        set(inputTensor, spec.inputName());
        set(outputTensor, spec.outputName());
        set(pooling, lower(spec.pooling()));
        set(cutLayers, spec.cutLayers().toArray(String[]::new));
        return this;
    }

    /** Batch size, device and pixel limit from the embed config. */
    public EmbeddingTransformer setEmbedConfig(EmbedConfig config) {
        set(batchSize, config.batchSize());
        set(device, lower(config.device()));
        set(maxPixels, config.maxPixels());
        return this;
    }

    /** Counts embedded or refused images as tasks finish, for a driver-side progress line. */
    public EmbeddingTransformer setProgressCounter(LongAccumulator counter) {
        this.progress = counter;
        return this;
    }

    public EmbeddingTransformer setModelCacheDir(String dir) {
        set(modelCacheDir, dir);
        return this;
    }

    public EmbeddingTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public EmbeddingTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public EmbeddingTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public EmbeddingTransformer setDevice(String value) {
        set(device, value);
        return this;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> widthCol() {
        return widthCol;
    }

    public Param<String> heightCol() {
        return heightCol;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public Param<String> errorMessageCol() {
        return errorMessageCol;
    }

    public Param<String> backboneName() {
        return backboneName;
    }

    public Param<String> backboneUri() {
        return backboneUri;
    }

    public Param<String> backboneId() {
        return backboneId;
    }

    public IntParam inputHeight() {
        return inputHeight;
    }

    public IntParam inputWidth() {
        return inputWidth;
    }

    public Param<String> preprocessing() {
        return preprocessing;
    }

    public Param<String> signature() {
        return signature;
    }

    public Param<String> inputTensor() {
        return inputTensor;
    }

    public Param<String> outputTensor() {
        return outputTensor;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public StringArrayParam cutLayers() {
        return cutLayers;
    }

    public Param<String> modelCacheDir() {
        return modelCacheDir;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> device() {
        return device;
    }

    public LongParam maxPixels() {
        return maxPixels;
    }

    /** The backbone these params describe. */
    public BackboneSpec backboneSpec() {
        return new BackboneSpec(
                $(backboneName),
                $(backboneUri),
                (Integer) $(inputHeight),
                (Integer) $(inputWidth),
                Preprocessing.valueOf($(preprocessing).toUpperCase(Locale.ROOT)),
                $(signature),
                $(inputTensor),
                $(outputTensor),
                Pooling.valueOf($(pooling).toUpperCase(Locale.ROOT)),
                Arrays.asList($(cutLayers)));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String input = $(inputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(input)) {
            throw Errors.noInputColumn(input, schema.fieldNames());
        }
        if (!schema.apply(input).dataType().equals(DataTypes.BinaryType)) {
            throw Errors.inputColumnNotBinary(
                    input, schema.apply(input).dataType().simpleString());
        }
        StructType out = schema;
        for (String column : new String[] {$(outputCol), $(widthCol), $(heightCol), $(errorCol), $(errorMessageCol)}) {
            if (Arrays.asList(schema.fieldNames()).contains(column)) {
                throw Errors.outputColumnExists(column);
            }
        }
        out = out.add(new StructField(
                $(outputCol),
                DataTypes.createArrayType(DataTypes.FloatType, false),
                true,
                org.apache.spark.sql.types.Metadata.empty()));
        out = out.add($(widthCol), DataTypes.IntegerType, true);
        out = out.add($(heightCol), DataTypes.IntegerType, true);
        out = out.add($(errorCol), DataTypes.StringType, true);
        return out.add($(errorMessageCol), DataTypes.StringType, true);
    }

    /**
     * Embeds every row. When {@code backboneId} is empty the driver first localizes the backbone to
     * learn its id, so a model that cannot load fails here, before any task runs.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType outputSchema = transformSchema(dataset.schema());
        BackboneSpec spec = backboneSpec();
        String id = $(backboneId);
        String cacheDir = $(modelCacheDir);
        if (id.isEmpty()) {
            id = ExecutorModels.resolveOnDriver(
                    dataset.sparkSession().sparkContext(), spec, ConfigLoader.modelCacheDir(cacheDir));
        }
        EmbedPartition partition = new EmbedPartition(
                spec,
                id,
                cacheDir,
                (Integer) $(batchSize),
                DeviceMode.valueOf($(device).toUpperCase(Locale.ROOT)),
                (Long) $(maxPixels),
                Arrays.asList(dataset.schema().fieldNames()).indexOf($(inputCol)),
                progress);
        return dataset.toDF().mapPartitions(partition, Encoders.row(outputSchema));
    }

    @Override
    public EmbeddingTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    public static MLReader<EmbeddingTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static EmbeddingTransformer load(String path) {
        return read().load(path);
    }
}
