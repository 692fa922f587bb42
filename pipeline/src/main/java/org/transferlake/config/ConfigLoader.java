package org.transferlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads and validates the configuration. Precedence, lowest to highest: built-in defaults
 * ({@code conf/default.conf}) &lt; {@code --config FILE} &lt; {@code --conf key=value} &lt;
 * environment (secrets only). Every failure is a {@link TransferlakeException} naming the key.
 */
public final class ConfigLoader {
    /** Secret keys and the environment variables that set them. */
    public static final Map<String, String> SECRET_ENVIRONMENT = Map.of(
            ConfigKeys.LAKE_ACCESS_KEY.name(), "TRANSFERLAKE_LAKE_ACCESS_KEY",
            ConfigKeys.LAKE_SECRET_KEY.name(), "TRANSFERLAKE_LAKE_SECRET_KEY");

    /** The environment that gives a child process the lake's keys, as a cluster's secrets would. */
    public static Map<String, String> secretEnvironment(Credentials keys) {
        return Map.of(
                SECRET_ENVIRONMENT.get(ConfigKeys.LAKE_ACCESS_KEY.name()), keys.accessKey(),
                SECRET_ENVIRONMENT.get(ConfigKeys.LAKE_SECRET_KEY.name()), keys.secretKey());
    }

    private static final Set<String> ROOT_SCHEMES = Set.of("s3a", "file", "hdfs", "gs", "abfs", "abfss");

    private ConfigLoader() {}

    private static PipelineConfig builtIn;

    /** The built-in defaults only. */
    public static synchronized PipelineConfig defaults() {
        if (builtIn == null) {
            builtIn = load(null, Map.of(), Map.of());
        }
        return builtIn;
    }

    /**
     * Merges the layers and validates the result.
     *
     * @param file a HOCON file given with {@code --config}, or null
     * @param overrides {@code --conf key=value} pairs, in order
     * @param environment the process environment (only {@link #SECRET_ENVIRONMENT} is read)
     */
    public static PipelineConfig load(Path file, Map<String, String> overrides, Map<String, String> environment) {
        Config defaults = Settings.builtInUnresolved();
        Config merged = defaults;
        if (file != null) {
            merged = parseFile(file).withFallback(merged);
        }
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            merged = withValue(
                    merged, override.getKey(), parseOverride(override.getValue(), "--conf " + override.getKey()));
        }
        for (Map.Entry<String, String> secret : SECRET_ENVIRONMENT.entrySet()) {
            String value = environment.get(secret.getValue());
            if (value != null && !value.isEmpty()) {
                merged = withValue(
                        merged,
                        secret.getKey(),
                        ConfigValueFactory.fromAnyRef(value, "environment " + secret.getValue()));
            }
        }
        rejectUnknownKeys(merged);
        return build(new Settings(merged.resolve(), defaults));
    }

    private static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw Errors.configFileMissing(file);
        }
        try {
            return ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw Errors.configFileNotHocon(file, e);
        }
    }

    /**
     * Lists are written as {@code [a,b]}; anything else is taken verbatim (URIs contain {@code //}).
     * Double quotes around a value or an item are dropped, as HOCON would.
     */
    private static ConfigValue parseOverride(String raw, String origin) {
        String value = raw.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            String inner = value.substring(1, value.length() - 1).trim();
            List<String> items = inner.isEmpty()
                    ? List.of()
                    : Stream.of(inner.split("\\s*,\\s*"))
                            .map(ConfigLoader::unquote)
                            .toList();
            return ConfigValueFactory.fromIterable(items, origin);
        }
        return ConfigValueFactory.fromAnyRef(unquote(value), origin);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private static Config withValue(Config config, String key, ConfigValue value) {
        try {
            return config.withValue(key, value);
        } catch (ConfigException.BadPath e) {
            throw Errors.malformedConfigKey(key);
        }
    }

    private static void rejectUnknownKeys(Config merged) {
        Set<String> known = ConfigKeys.ALL.stream().map(ConfigKey::name).collect(Collectors.toSet());
        merged.entrySet().stream()
                .map(Map.Entry::getKey)
                .filter(key -> !known.contains(key))
                .sorted()
                .findFirst()
                .ifPresent(key -> {
                    String closest = known.stream()
                            .min(Comparator.comparingInt(k -> editDistance(k, key)))
                            .orElseThrow();
                    throw Errors.unknownConfigKey(key, closest);
                });
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static PipelineConfig build(Settings s) {
        LakeConfig lake = lake(s);
        SparkConfig spark = new SparkConfig(s.get(ConfigKeys.SPARK_MASTER), s.get(ConfigKeys.SPARK_APP_NAME));
        DemoConfig demo = new DemoConfig(
                Path.of(s.get(ConfigKeys.DEMO_DATASET_DIR)),
                s.get(ConfigKeys.DEMO_TRAIN_PER_CLASS),
                s.get(ConfigKeys.DEMO_TEST_PER_CLASS),
                s.get(ConfigKeys.DEMO_SEED));
        Path modelCacheDir = modelCacheDir(s.get(ConfigKeys.BACKBONE_CACHE_DIR));
        EmbedConfig embed = new EmbedConfig(
                s.get(ConfigKeys.EMBED_BATCH_SIZE),
                s.get(ConfigKeys.EMBED_DEVICE),
                s.get(ConfigKeys.EMBED_MAX_PIXELS),
                s.get(ConfigKeys.EMBED_IMAGES_PER_TASK));
        return new PipelineConfig(
                lake,
                spark,
                backbone(s),
                modelCacheDir,
                embed,
                extract(s, lake),
                heads(s),
                new RunsConfig(
                        s.get(ConfigKeys.RUNS_LOCK_EXPIRY_MINUTES),
                        checkpointDir(s),
                        s.get(ConfigKeys.NIGHTLY_RETRAIN_MIN_NEW_LABELS),
                        s.get(ConfigKeys.NIGHTLY_MAINTAIN),
                        s.get(ConfigKeys.MAINTAIN_VACUUM_RETENTION_HOURS)),
                demo,
                Collections.unmodifiableMap(effective(s.config())));
    }

    /**
     * The local directory where this machine keeps localized backbones: {@code configured}, or
     * {@code <java.io.tmpdir>/transferlake-models} when it is empty (resolved where it is called: an
     * {@code EmbeddingTransformer} with an empty {@code modelCacheDir} resolves it on each executor).
     */
    public static Path modelCacheDir(String configured) {
        return configured.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "transferlake-models")
                : Path.of(configured.trim());
    }

    private static HeadsConfig heads(Settings s) {
        List<String> algorithms = s.get(ConfigKeys.HEADS_ALGORITHMS);
        if (algorithms.isEmpty() || !HeadsConfig.ALGORITHMS.containsAll(algorithms)) {
            throw s.invalid(ConfigKeys.HEADS_ALGORITHMS, "a non-empty list from " + HeadsConfig.ALGORITHMS, algorithms);
        }
        List<Double> regParams = s.get(ConfigKeys.HEADS_LOGISTIC_REGRESSION_REG_PARAMS);
        if (regParams.isEmpty() || regParams.stream().anyMatch(v -> v < 0)) {
            throw s.invalid(
                    ConfigKeys.HEADS_LOGISTIC_REGRESSION_REG_PARAMS, "a non-empty list of values >= 0", regParams);
        }
        List<Integer> hiddenUnits = s.get(ConfigKeys.HEADS_MLP_HIDDEN_UNITS);
        if (hiddenUnits.isEmpty()
                || hiddenUnits.size() != Set.copyOf(hiddenUnits).size()) {
            throw s.invalid(
                    ConfigKeys.HEADS_MLP_HIDDEN_UNITS, "a non-empty list of distinct layer widths", hiddenUnits);
        }
        List<Integer> iterations = s.get(ConfigKeys.HEADS_MLP_ITERATIONS);
        if (iterations.isEmpty()
                || !iterations.equals(iterations.stream().sorted().distinct().toList())) {
            throw s.invalid(ConfigKeys.HEADS_MLP_ITERATIONS, "a non-empty, strictly increasing list", iterations);
        }
        double testFraction = s.get(ConfigKeys.HEADS_TEST_FRACTION);
        return new HeadsConfig(
                List.copyOf(algorithms),
                testFraction,
                s.get(ConfigKeys.HEADS_SEED),
                s.get(ConfigKeys.HEADS_MIN_EXAMPLES_PER_CLASS),
                List.copyOf(regParams),
                List.copyOf(hiddenUnits),
                List.copyOf(iterations),
                s.get(ConfigKeys.HEADS_PROMOTION_MARGIN),
                s.get(ConfigKeys.SCORE_TOP_K));
    }

    private static ExtractConfig extract(Settings s, LakeConfig lake) {
        List<URI> roots = new java.util.ArrayList<>();
        for (String root : s.get(ConfigKeys.EXTRACT_ROOTS)) {
            try {
                URI uri = new URI(root.endsWith("/") ? root : root + "/");
                if (uri.getScheme() == null) {
                    throw new URISyntaxException(root, "no scheme");
                }
                roots.add(uri);
            } catch (URISyntaxException e) {
                throw s.invalid(
                        ConfigKeys.EXTRACT_ROOTS,
                        "a list of URIs such as [\"s3a://bucket/images/\"]",
                        s.raw(ConfigKeys.EXTRACT_ROOTS));
            }
        }
        if (roots.isEmpty()) {
            roots.add(lake.resolve("images/"));
        }
        List<String> extensions = s.get(ConfigKeys.EXTRACT_EXTENSIONS).stream()
                .map(e -> e.trim().toLowerCase(java.util.Locale.ROOT))
                .toList();
        if (extensions.isEmpty() || extensions.stream().anyMatch(e -> !e.matches("[a-z0-9]+"))) {
            throw s.invalid(
                    ConfigKeys.EXTRACT_EXTENSIONS,
                    "a non-empty list of extensions without dots",
                    s.raw(ConfigKeys.EXTRACT_EXTENSIONS));
        }
        return new ExtractConfig(
                List.copyOf(roots), extensions, s.get(ConfigKeys.EXTRACT_LABELS).trim());
    }

    private static BackboneSpec backbone(Settings s) {
        String name = s.get(ConfigKeys.BACKBONE_NAME);
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw s.invalid(ConfigKeys.BACKBONE_NAME, "letters, digits, '_', '.' or '-'", name);
        }
        List<Integer> size = s.get(ConfigKeys.BACKBONE_INPUT_SIZE);
        String uri = s.get(ConfigKeys.BACKBONE_URI);
        List<String> layers = s.get(ConfigKeys.BACKBONE_LAYERS);
        if (!layers.isEmpty() && !uri.startsWith(BackboneSpec.BUNDLED_SCHEME)) {
            throw s.invalid(
                    ConfigKeys.BACKBONE_LAYERS,
                    "empty unless backbone.uri is bundled:<name> (a SavedModel is already cut: cut it with"
                            + " backbone import --layers)",
                    layers);
        }
        if (layers.size() != Set.copyOf(layers).size() || layers.stream().anyMatch(String::isBlank)) {
            throw s.invalid(ConfigKeys.BACKBONE_LAYERS, "distinct, non-blank layer names", layers);
        }
        BackboneSpec spec = new BackboneSpec(
                name,
                uri,
                size.get(0),
                size.get(1),
                s.get(ConfigKeys.BACKBONE_PREPROCESSING),
                s.get(ConfigKeys.BACKBONE_SIGNATURE),
                s.get(ConfigKeys.BACKBONE_INPUT_NAME).trim(),
                s.get(ConfigKeys.BACKBONE_OUTPUT_NAME).trim(),
                s.get(ConfigKeys.BACKBONE_POOLING),
                layers);
        if (spec.isBundled()) {
            BundledBackbone bundled = BundledBackbone.of(spec)
                    .orElseThrow(() -> s.invalid(
                            ConfigKeys.BACKBONE_URI, "one of " + BundledBackbone.uris() + " or a SavedModel URI", uri));
            List<Integer> bundledSize = List.of(bundled.inputSize(), bundled.inputSize());
            if (!size.equals(bundledSize)) {
                throw s.invalid(
                        ConfigKeys.BACKBONE_INPUT_SIZE,
                        bundledSize + " for " + uri + ", the size its graph takes",
                        size);
            }
            if (layers.isEmpty() && bundled.defaultCutIsFeatureMap() && spec.pooling() == Pooling.NONE) {
                // Flattened, the map would be a six-figure vector per image.
                throw s.invalid(
                        ConfigKeys.BACKBONE_POOLING,
                        "avg or max for " + uri + ", whose default cut " + bundled.defaultCut() + " is a feature map",
                        "none");
            }
        }
        return spec;
    }

    private static LakeConfig lake(Settings s) {
        String endpoint = s.get(ConfigKeys.LAKE_ENDPOINT);
        if (!endpoint.equals(LakeConfig.EMBEDDED)
                && !endpoint.equals(LakeConfig.AWS)
                && !endpoint.startsWith("http://")
                && !endpoint.startsWith("https://")) {
            throw s.invalid(ConfigKeys.LAKE_ENDPOINT, "'embedded', 'aws' or an http(s):// URL", endpoint);
        }
        URI root = root(s, endpoint.equals(LakeConfig.EMBEDDED));
        String accessKey = s.get(ConfigKeys.LAKE_ACCESS_KEY);
        String secretKey = s.get(ConfigKeys.LAKE_SECRET_KEY);
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            throw Errors.credentialsHalfSet(
                    accessKey.isEmpty() ? ConfigKeys.LAKE_ACCESS_KEY : ConfigKeys.LAKE_SECRET_KEY);
        }
        Optional<Credentials> credentials =
                accessKey.isEmpty() ? Optional.empty() : Optional.of(new Credentials(accessKey, secretKey));
        return new LakeConfig(
                endpoint,
                root,
                s.get(ConfigKeys.LAKE_REGION),
                s.get(ConfigKeys.LAKE_PATH_STYLE_ACCESS),
                credentials,
                Path.of(s.get(ConfigKeys.LAKE_EMBEDDED_DATA_DIR)),
                s.get(ConfigKeys.LAKE_EMBEDDED_PORT));
    }

    private static String checkpointDir(Settings s) {
        String raw = s.get(ConfigKeys.RUNS_CHECKPOINT_DIR).trim();
        if (raw.equals(RunsConfig.AUTO_CHECKPOINTS) || raw.equals(RunsConfig.LOCAL_CHECKPOINTS)) {
            return raw;
        }
        try {
            URI uri = new URI(raw);
            if (uri.getScheme() != null
                    && uri.getPath() != null
                    && uri.getPath().startsWith("/")) {
                return raw;
            }
        } catch (URISyntaxException e) {
            // Refused below, with the accepted forms.
        }
        throw s.invalid(
                ConfigKeys.RUNS_CHECKPOINT_DIR,
                "auto, local, or a directory URI such as s3a://bucket/checkpoints/",
                raw);
    }

    private static URI root(Settings s, boolean embedded) {
        String raw = s.get(ConfigKeys.LAKE_ROOT);
        if (raw.matches(".*['\\\\`].*")) {
            throw s.invalid(ConfigKeys.LAKE_ROOT, "a URI without quotes or backslashes", raw);
        }
        String normalized = raw.endsWith("/") ? raw : raw + "/";
        URI root;
        try {
            root = new URI(normalized);
        } catch (URISyntaxException e) {
            throw s.invalid(ConfigKeys.LAKE_ROOT, "a URI such as s3a://bucket/prefix/", raw);
        }
        if (root.getScheme() == null || !ROOT_SCHEMES.contains(root.getScheme())) {
            throw s.invalid(
                    ConfigKeys.LAKE_ROOT,
                    "a URI with one of the schemes " + new java.util.TreeSet<>(ROOT_SCHEMES),
                    raw);
        }
        if (embedded && !root.getScheme().equals("s3a")) {
            throw Errors.embeddedLakeNeedsS3aRoot(raw);
        }
        if (root.getScheme().equals("s3a")
                && (root.getAuthority() == null || !root.getAuthority().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"))) {
            throw s.invalid(
                    ConfigKeys.LAKE_ROOT,
                    "s3a://<bucket>/<prefix>/ with a valid bucket name (3-63 lower-case letters, digits, '.', '-')",
                    raw);
        }
        return root;
    }

    private static Map<String, String> effective(Config config) {
        Map<String, String> effective = new TreeMap<>();
        config.entrySet().forEach(entry -> {
            String value = entry.getValue().unwrapped().toString();
            effective.put(
                    entry.getKey(), SECRET_ENVIRONMENT.containsKey(entry.getKey()) ? Credentials.mask(value) : value);
        });
        return effective;
    }
}
