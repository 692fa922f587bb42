package org.transferlake.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

/**
 * Typed reads of a merged config, through {@link ConfigKey}s (after Iceberg's {@code
 * SparkConfParser}); every failure names the key, what it must be, and its default.
 */
final class Settings {
    static final String DEFAULTS_RESOURCE = "org/transferlake/config/default.conf";

    private static Settings builtIn;

    private final Config config;
    private final Config defaults;

    Settings(Config config, Config defaults) {
        this.config = config;
        this.defaults = defaults;
    }

    /**
     * {@code conf/default.conf} as packaged in the jar, unresolved: layers are merged onto it before
     * any substitution is resolved, as HOCON intends.
     */
    static Config builtInUnresolved() {
        return ConfigFactory.parseResources(
                Settings.class.getClassLoader(),
                DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** The built-in defaults, resolved. */
    static synchronized Settings builtIn() {
        if (builtIn == null) {
            Config defaults = builtInUnresolved().resolve();
            builtIn = new Settings(defaults, defaults);
        }
        return builtIn;
    }

    Config config() {
        return config;
    }

    /** The key's value, read and checked. */
    <T> T get(ConfigKey<T> key) {
        return key.read(this);
    }

    /** The value as written, for messages. */
    Object raw(ConfigKey<?> key) {
        return config.getValue(key.name()).unwrapped();
    }

    String string(String key) {
        try {
            return config.getString(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, "a string", config.getValue(key).unwrapped());
        }
    }

    String nonEmptyString(String key) {
        String value = string(key).trim();
        if (value.isEmpty()) {
            throw invalid(key, "non-empty", "");
        }
        return value;
    }

    boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, "true or false", config.getValue(key).unwrapped());
        }
    }

    long longValue(String key) {
        try {
            return config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, "an integer", config.getValue(key).unwrapped());
        }
    }

    java.util.List<String> stringList(String key) {
        try {
            return config.getStringList(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, "a list of strings", config.getValue(key).unwrapped());
        }
    }

    java.util.List<Double> doubleList(String key) {
        try {
            return config.getDoubleList(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, "a list of numbers", config.getValue(key).unwrapped());
        }
    }

    double doubleBetween(String key, double min, double max) {
        double value;
        try {
            value = config.getDouble(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(
                    key,
                    "a number between " + min + " and " + max,
                    config.getValue(key).unwrapped());
        }
        if (value < min || value > max) {
            throw invalid(key, "between " + min + " and " + max, value);
        }
        return value;
    }

    long longBetween(String key, long min, long max) {
        long value = longValue(key);
        if (value < min || value > max) {
            throw invalid(key, "between " + min + " and " + max, value);
        }
        return value;
    }

    int intBetween(String key, int min, int max) {
        long value;
        try {
            value = config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(
                    key,
                    "an integer between " + min + " and " + max,
                    config.getValue(key).unwrapped());
        }
        if (value < min || value > max) {
            throw invalid(key, "between " + min + " and " + max, value);
        }
        return (int) value;
    }

    /** A list of exactly {@code size} (any size when negative) integers, each between {@code min} and {@code max}. */
    java.util.List<Integer> intList(String key, int size, int min, int max) {
        String expectation = "a list of " + (size < 0 ? "" : size + " ") + "integers between " + min + " and " + max;
        java.util.List<Integer> values;
        try {
            values = config.getIntList(key);
        } catch (ConfigException.WrongType e) {
            throw invalid(key, expectation, config.getValue(key).unwrapped());
        }
        if ((size >= 0 && values.size() != size) || values.stream().anyMatch(v -> v < min || v > max)) {
            throw invalid(key, expectation, values);
        }
        return values;
    }

    /** One of an enum's constants, written in lower case. */
    <E extends Enum<E>> E oneOf(String key, Class<E> type) {
        String value = string(key).trim();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        java.util.List<String> names = java.util.Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(java.util.Locale.ROOT))
                .toList();
        throw invalid(key, "one of " + String.join(", ", names), value);
    }

    /** {@link Errors#invalidConfigValue}, with the key's built-in default as the value to set. */
    TransferlakeException invalid(ConfigKey<?> key, String expectation, Object actual) {
        return invalid(key.name(), expectation, actual);
    }

    private TransferlakeException invalid(String key, String expectation, Object actual) {
        return Errors.invalidConfigValue(
                key, expectation, actual, defaults.getValue(key).unwrapped());
    }
}
