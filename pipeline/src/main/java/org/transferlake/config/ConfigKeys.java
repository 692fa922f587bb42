package org.transferlake.config;

import java.util.List;

/**
 * Every configuration key, declared once (after Iceberg's {@code SparkSQLProperties}). Defaults and
 * documentation: {@code conf/default.conf}. Code reads values through {@link PipelineConfig}; messages
 * name keys through these constants.
 */
public final class ConfigKeys {
    public static final ConfigKey<String> LAKE_ENDPOINT = ConfigKey.nonEmptyString("lake.endpoint");
    public static final ConfigKey<String> LAKE_ROOT = ConfigKey.nonEmptyString("lake.root");
    public static final ConfigKey<String> LAKE_REGION = ConfigKey.nonEmptyString("lake.region");
    public static final ConfigKey<Boolean> LAKE_PATH_STYLE_ACCESS = ConfigKey.bool("lake.path-style-access");
    public static final ConfigKey<String> LAKE_ACCESS_KEY = ConfigKey.string("lake.access-key");
    public static final ConfigKey<String> LAKE_SECRET_KEY = ConfigKey.string("lake.secret-key");
    public static final ConfigKey<String> LAKE_EMBEDDED_DATA_DIR = ConfigKey.nonEmptyString("lake.embedded.data-dir");
    public static final ConfigKey<Integer> LAKE_EMBEDDED_PORT = ConfigKey.intBetween("lake.embedded.port", 0, 65535);

    public static final ConfigKey<String> SPARK_MASTER = ConfigKey.nonEmptyString("spark.master");
    public static final ConfigKey<String> SPARK_APP_NAME = ConfigKey.nonEmptyString("spark.app-name");

    public static final ConfigKey<String> BACKBONE_NAME = ConfigKey.nonEmptyString("backbone.name");
    public static final ConfigKey<String> BACKBONE_URI = ConfigKey.nonEmptyString("backbone.uri");
    public static final ConfigKey<List<Integer>> BACKBONE_INPUT_SIZE =
            ConfigKey.intList("backbone.input-size", 2, 16, 4096);
    public static final ConfigKey<Preprocessing> BACKBONE_PREPROCESSING =
            ConfigKey.oneOf("backbone.preprocessing", Preprocessing.class);
    public static final ConfigKey<String> BACKBONE_SIGNATURE = ConfigKey.nonEmptyString("backbone.signature");
    public static final ConfigKey<String> BACKBONE_INPUT_NAME = ConfigKey.string("backbone.input-name");
    public static final ConfigKey<String> BACKBONE_OUTPUT_NAME = ConfigKey.string("backbone.output-name");
    public static final ConfigKey<Pooling> BACKBONE_POOLING = ConfigKey.oneOf("backbone.pooling", Pooling.class);
    public static final ConfigKey<List<String>> BACKBONE_LAYERS = ConfigKey.stringList("backbone.layers");
    public static final ConfigKey<String> BACKBONE_CACHE_DIR = ConfigKey.string("backbone.cache-dir");

    public static final ConfigKey<Integer> EMBED_BATCH_SIZE = ConfigKey.intBetween("embed.batch-size", 1, 1024);
    public static final ConfigKey<DeviceMode> EMBED_DEVICE = ConfigKey.oneOf("embed.device", DeviceMode.class);
    public static final ConfigKey<Long> EMBED_MAX_PIXELS = ConfigKey.longBetween("embed.max-pixels", 1, Long.MAX_VALUE);
    public static final ConfigKey<Integer> EMBED_IMAGES_PER_TASK =
            ConfigKey.intBetween("embed.images-per-task", 1, 1_000_000);

    public static final ConfigKey<List<String>> EXTRACT_ROOTS = ConfigKey.stringList("extract.roots");
    public static final ConfigKey<List<String>> EXTRACT_EXTENSIONS = ConfigKey.stringList("extract.extensions");
    public static final ConfigKey<String> EXTRACT_LABELS = ConfigKey.string("extract.labels");

    public static final ConfigKey<List<String>> HEADS_ALGORITHMS = ConfigKey.stringList("heads.algorithms");
    public static final ConfigKey<Double> HEADS_TEST_FRACTION =
            ConfigKey.doubleBetween("heads.test-fraction", 0.01, 0.9);
    public static final ConfigKey<Long> HEADS_SEED = ConfigKey.anyLong("heads.seed");
    public static final ConfigKey<Integer> HEADS_MIN_EXAMPLES_PER_CLASS =
            ConfigKey.intBetween("heads.min-examples-per-class", 1, 1_000_000);
    public static final ConfigKey<List<Double>> HEADS_LOGISTIC_REGRESSION_REG_PARAMS =
            ConfigKey.doubleList("heads.logistic-regression.reg-params");
    public static final ConfigKey<List<Integer>> HEADS_MLP_HIDDEN_UNITS =
            ConfigKey.intList("heads.mlp.hidden-units", -1, 1, 100_000);
    public static final ConfigKey<List<Integer>> HEADS_MLP_ITERATIONS =
            ConfigKey.intList("heads.mlp.iterations", -1, 1, 100_000);
    public static final ConfigKey<Double> HEADS_PROMOTION_MARGIN =
            ConfigKey.doubleBetween("heads.promotion-margin", 0, 1);

    public static final ConfigKey<Integer> SCORE_TOP_K = ConfigKey.intBetween("score.top-k", 1, 1000);

    public static final ConfigKey<Integer> RUNS_LOCK_EXPIRY_MINUTES =
            ConfigKey.intBetween("runs.lock-expiry-minutes", 1, 10_080);
    public static final ConfigKey<String> RUNS_CHECKPOINT_DIR = ConfigKey.nonEmptyString("runs.checkpoint-dir");

    public static final ConfigKey<Integer> NIGHTLY_RETRAIN_MIN_NEW_LABELS =
            ConfigKey.intBetween("nightly.retrain-min-new-labels", 1, Integer.MAX_VALUE);
    public static final ConfigKey<Boolean> NIGHTLY_MAINTAIN = ConfigKey.bool("nightly.maintain");

    public static final ConfigKey<Integer> MAINTAIN_VACUUM_RETENTION_HOURS =
            ConfigKey.intBetween("maintain.vacuum-retention-hours", 0, 87_600);

    public static final ConfigKey<String> DEMO_DATASET_DIR = ConfigKey.nonEmptyString("demo.dataset-dir");
    public static final ConfigKey<Integer> DEMO_TRAIN_PER_CLASS = ConfigKey.intBetween("demo.train-per-class", 1, 6000);
    public static final ConfigKey<Integer> DEMO_TEST_PER_CLASS = ConfigKey.intBetween("demo.test-per-class", 1, 1000);
    public static final ConfigKey<Long> DEMO_SEED = ConfigKey.anyLong("demo.seed");

    /** Every key, in the order of {@code conf/default.conf}. */
    public static final List<ConfigKey<?>> ALL = List.of(
            LAKE_ENDPOINT,
            LAKE_ROOT,
            LAKE_REGION,
            LAKE_PATH_STYLE_ACCESS,
            LAKE_ACCESS_KEY,
            LAKE_SECRET_KEY,
            LAKE_EMBEDDED_DATA_DIR,
            LAKE_EMBEDDED_PORT,
            SPARK_MASTER,
            SPARK_APP_NAME,
            BACKBONE_NAME,
            BACKBONE_URI,
            BACKBONE_INPUT_SIZE,
            BACKBONE_PREPROCESSING,
            BACKBONE_SIGNATURE,
            BACKBONE_INPUT_NAME,
            BACKBONE_OUTPUT_NAME,
            BACKBONE_POOLING,
            BACKBONE_LAYERS,
            BACKBONE_CACHE_DIR,
            EMBED_BATCH_SIZE,
            EMBED_DEVICE,
            EMBED_MAX_PIXELS,
            EMBED_IMAGES_PER_TASK,
            EXTRACT_ROOTS,
            EXTRACT_EXTENSIONS,
            EXTRACT_LABELS,
            HEADS_ALGORITHMS,
            HEADS_TEST_FRACTION,
            HEADS_SEED,
            HEADS_MIN_EXAMPLES_PER_CLASS,
            HEADS_LOGISTIC_REGRESSION_REG_PARAMS,
            HEADS_MLP_HIDDEN_UNITS,
            HEADS_MLP_ITERATIONS,
            HEADS_PROMOTION_MARGIN,
            SCORE_TOP_K,
            RUNS_LOCK_EXPIRY_MINUTES,
            RUNS_CHECKPOINT_DIR,
            NIGHTLY_RETRAIN_MIN_NEW_LABELS,
            NIGHTLY_MAINTAIN,
            MAINTAIN_VACUUM_RETENTION_HOURS,
            DEMO_DATASET_DIR,
            DEMO_TRAIN_PER_CLASS,
            DEMO_TEST_PER_CLASS,
            DEMO_SEED);

    private ConfigKeys() {}
}
