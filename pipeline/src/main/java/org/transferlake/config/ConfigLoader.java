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
import java.util.stream.Stream;

/**
 * Loads and validates the configuration. Precedence, lowest to highest: built-in defaults
 * ({@code conf/default.conf}) &lt; {@code --config FILE} &lt; {@code --conf key=value} &lt;
 * environment (secrets only). Every failure is a {@link TransferlakeException} naming the key.
 */
public final class ConfigLoader {
    static final String DEFAULTS_RESOURCE = "org/transferlake/config/default.conf";

    /** Secret keys and the environment variables that set them. */
    public static final Map<String, String> SECRET_ENVIRONMENT = Map.of(
            "lake.access-key", "TRANSFERLAKE_LAKE_ACCESS_KEY",
            "lake.secret-key", "TRANSFERLAKE_LAKE_SECRET_KEY");

    private static final Set<String> ROOT_SCHEMES = Set.of("s3a", "file", "hdfs", "gs", "abfs", "abfss");

    private ConfigLoader() {}

    /** The built-in defaults only. */
    public static PipelineConfig defaults() {
        return load(null, Map.of(), Map.of());
    }

    /**
     * Merges the layers and validates the result.
     *
     * @param file a HOCON file given with {@code --config}, or null
     * @param overrides {@code --conf key=value} pairs, in order
     * @param environment the process environment (only {@link #SECRET_ENVIRONMENT} is read)
     */
    public static PipelineConfig load(Path file, Map<String, String> overrides, Map<String, String> environment) {
        Config defaults = ConfigFactory.parseResources(
                ConfigLoader.class.getClassLoader(),
                DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
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
        rejectUnknownKeys(merged, defaults);
        return build(new Settings(merged.resolve(), defaults));
    }

    private static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw TransferlakeException.cannot(
                    "load config", "file " + file + " does not exist", "Pass an existing HOCON file to --config.");
        }
        try {
            return ConfigFactory.parseFile(
                    file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw TransferlakeException.cannot(
                    "load config",
                    file + " is not valid HOCON (" + e.getMessage() + ")",
                    "Fix the syntax of that file.",
                    e);
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
            throw TransferlakeException.cannot(
                    "load config",
                    "'" + key + "' is not a valid key",
                    "Write keys as dotted names, e.g. --conf lake.root=s3a://bucket/prefix/.");
        }
    }

    private static void rejectUnknownKeys(Config merged, Config defaults) {
        Set<String> known =
                defaults.entrySet().stream().map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());
        merged.entrySet().stream()
                .map(Map.Entry::getKey)
                .filter(key -> !known.contains(key))
                .sorted()
                .findFirst()
                .ifPresent(key -> {
                    String closest = known.stream()
                            .min(Comparator.comparingInt(k -> editDistance(k, key)))
                            .orElseThrow();
                    throw TransferlakeException.cannot(
                            "load config",
                            "unknown key " + key,
                            "Did you mean " + closest + "? Every key is listed in conf/default.conf.");
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
        SparkConfig spark = new SparkConfig(s.nonEmptyString("spark.master"), s.nonEmptyString("spark.app-name"));
        DemoConfig demo = new DemoConfig(
                Path.of(s.nonEmptyString("demo.dataset-dir")),
                s.intBetween("demo.train-per-class", 1, 6000),
                s.intBetween("demo.test-per-class", 1, 1000),
                s.longValue("demo.seed"));
        String cacheDir = s.string("backbone.cache-dir").trim();
        Path modelCacheDir = cacheDir.isEmpty()
                ? Path.of(System.getProperty("java.io.tmpdir"), "transferlake-models")
                : Path.of(cacheDir);
        EmbedConfig embed = new EmbedConfig(
                s.intBetween("embed.batch-size", 1, 1024),
                s.oneOf("embed.device", DeviceMode.class),
                s.longBetween("embed.max-pixels", 1, Long.MAX_VALUE));
        return new PipelineConfig(
                lake,
                spark,
                backbone(s),
                modelCacheDir,
                embed,
                extract(s, lake),
                heads(s),
                s.intBetween("runs.lock-stale-after-minutes", 1, 10_080),
                demo,
                Collections.unmodifiableMap(effective(s.config())));
    }

    private static HeadsConfig heads(Settings s) {
        List<String> algorithms = s.stringList("heads.algorithms");
        if (algorithms.isEmpty() || !HeadsConfig.ALGORITHMS.containsAll(algorithms)) {
            throw s.invalid("heads.algorithms", "a non-empty list from " + HeadsConfig.ALGORITHMS, algorithms);
        }
        List<Double> regParams = s.doubleList("heads.logistic-regression.reg-params");
        if (regParams.isEmpty() || regParams.stream().anyMatch(v -> v < 0)) {
            throw s.invalid("heads.logistic-regression.reg-params", "a non-empty list of values >= 0", regParams);
        }
        List<Integer> hidden = s.intList("heads.mlp.hidden-layers", -1, 1, 100_000);
        double testFraction = s.doubleBetween("heads.test-fraction", 0.01, 0.9);
        return new HeadsConfig(
                List.copyOf(algorithms),
                testFraction,
                s.longValue("heads.seed"),
                s.intBetween("heads.min-examples-per-class", 1, 1_000_000),
                List.copyOf(regParams),
                List.copyOf(hidden),
                s.intBetween("heads.mlp.max-iter", 1, 100_000),
                s.doubleBetween("heads.promotion-margin", 0, 1),
                s.intBetween("score.top-k", 1, 1000));
    }

    private static ExtractConfig extract(Settings s, LakeConfig lake) {
        List<URI> roots = new java.util.ArrayList<>();
        for (String root : s.stringList("extract.roots")) {
            try {
                URI uri = new URI(root.endsWith("/") ? root : root + "/");
                if (uri.getScheme() == null) {
                    throw new URISyntaxException(root, "no scheme");
                }
                roots.add(uri);
            } catch (URISyntaxException e) {
                throw s.invalid(
                        "extract.roots",
                        "a list of URIs such as [\"s3a://bucket/images/\"]",
                        s.config().getValue("extract.roots").unwrapped());
            }
        }
        if (roots.isEmpty()) {
            roots.add(lake.resolve("images/"));
        }
        List<String> extensions = s.stringList("extract.extensions").stream()
                .map(e -> e.trim().toLowerCase(java.util.Locale.ROOT))
                .toList();
        if (extensions.isEmpty() || extensions.stream().anyMatch(e -> !e.matches("[a-z0-9]+"))) {
            throw s.invalid(
                    "extract.extensions",
                    "a non-empty list of extensions without dots",
                    s.config().getValue("extract.extensions").unwrapped());
        }
        return new ExtractConfig(
                List.copyOf(roots), extensions, s.string("extract.labels").trim());
    }

    private static BackboneSpec backbone(Settings s) {
        String name = s.nonEmptyString("backbone.name");
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw s.invalid("backbone.name", "letters, digits, '_', '.' or '-'", name);
        }
        List<Integer> size = s.intList("backbone.input-size", 2, 16, 4096);
        return new BackboneSpec(
                name,
                s.nonEmptyString("backbone.uri"),
                size.get(0),
                size.get(1),
                s.oneOf("backbone.preprocessing", Preprocessing.class),
                s.nonEmptyString("backbone.signature"),
                s.string("backbone.input-name").trim(),
                s.string("backbone.output-name").trim(),
                s.oneOf("backbone.pooling", Pooling.class));
    }

    private static LakeConfig lake(Settings s) {
        String endpoint = s.nonEmptyString("lake.endpoint");
        if (!endpoint.equals(LakeConfig.EMBEDDED)
                && !endpoint.equals(LakeConfig.AWS)
                && !endpoint.startsWith("http://")
                && !endpoint.startsWith("https://")) {
            throw s.invalid("lake.endpoint", "'embedded', 'aws' or an http(s):// URL", endpoint);
        }
        URI root = root(s, endpoint.equals(LakeConfig.EMBEDDED));
        String accessKey = s.string("lake.access-key");
        String secretKey = s.string("lake.secret-key");
        if (accessKey.isEmpty() != secretKey.isEmpty()) {
            String missing = accessKey.isEmpty() ? "lake.access-key" : "lake.secret-key";
            throw TransferlakeException.cannot(
                    "load config",
                    missing + " is empty but its partner is set",
                    "Set both " + SECRET_ENVIRONMENT.get("lake.access-key") + " and "
                            + SECRET_ENVIRONMENT.get("lake.secret-key")
                            + ", or neither to use the AWS default provider chain.");
        }
        Optional<Credentials> credentials =
                accessKey.isEmpty() ? Optional.empty() : Optional.of(new Credentials(accessKey, secretKey));
        return new LakeConfig(
                endpoint,
                root,
                s.nonEmptyString("lake.region"),
                s.bool("lake.path-style-access"),
                credentials,
                Path.of(s.nonEmptyString("lake.embedded.data-dir")),
                s.intBetween("lake.embedded.port", 0, 65535));
    }

    private static URI root(Settings s, boolean embedded) {
        String raw = s.nonEmptyString("lake.root");
        String normalized = raw.endsWith("/") ? raw : raw + "/";
        URI root;
        try {
            root = new URI(normalized);
        } catch (URISyntaxException e) {
            throw s.invalid("lake.root", "a URI such as s3a://bucket/prefix/", raw);
        }
        if (root.getScheme() == null || !ROOT_SCHEMES.contains(root.getScheme())) {
            throw s.invalid("lake.root", "a URI with one of the schemes " + new java.util.TreeSet<>(ROOT_SCHEMES), raw);
        }
        if (embedded && !root.getScheme().equals("s3a")) {
            throw TransferlakeException.cannot(
                    "load config",
                    "lake.root " + raw + " is not an s3a:// URI but lake.endpoint is embedded",
                    "Use an s3a://bucket/prefix/ root with the embedded lake, or set lake.endpoint to aws or your S3 URL.");
        }
        if (root.getScheme().equals("s3a")
                && (root.getAuthority() == null || !root.getAuthority().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"))) {
            throw s.invalid(
                    "lake.root",
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
