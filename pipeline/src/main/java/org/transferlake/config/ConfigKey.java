package org.transferlake.config;

import java.util.List;
import java.util.function.BiFunction;

/**
 * One configuration key: its dotted name and how its value is read and checked. Every key is
 * declared once, in {@link ConfigKeys}; its built-in default and its documentation are in
 * {@code conf/default.conf}, the file users read (a test keeps the two in step).
 *
 * @param <T> the type of its value
 */
public final class ConfigKey<T> {
    private final String name;
    private final BiFunction<Settings, String, T> reader;

    private ConfigKey(String name, BiFunction<Settings, String, T> reader) {
        this.name = name;
        this.reader = reader;
    }

    static ConfigKey<String> string(String name) {
        return new ConfigKey<>(name, Settings::string);
    }

    static ConfigKey<String> nonEmptyString(String name) {
        return new ConfigKey<>(name, Settings::nonEmptyString);
    }

    static ConfigKey<Boolean> bool(String name) {
        return new ConfigKey<>(name, Settings::bool);
    }

    static ConfigKey<Long> anyLong(String name) {
        return new ConfigKey<>(name, Settings::longValue);
    }

    static ConfigKey<Integer> intBetween(String name, int min, int max) {
        return new ConfigKey<>(name, (settings, key) -> settings.intBetween(key, min, max));
    }

    static ConfigKey<Long> longBetween(String name, long min, long max) {
        return new ConfigKey<>(name, (settings, key) -> settings.longBetween(key, min, max));
    }

    static ConfigKey<Double> doubleBetween(String name, double min, double max) {
        return new ConfigKey<>(name, (settings, key) -> settings.doubleBetween(key, min, max));
    }

    static ConfigKey<List<String>> stringList(String name) {
        return new ConfigKey<>(name, Settings::stringList);
    }

    static ConfigKey<List<Double>> doubleList(String name) {
        return new ConfigKey<>(name, Settings::doubleList);
    }

    /** A list of exactly {@code size} (any size when negative) integers, each between {@code min} and {@code max}. */
    static ConfigKey<List<Integer>> intList(String name, int size, int min, int max) {
        return new ConfigKey<>(name, (settings, key) -> settings.intList(key, size, min, max));
    }

    /** One of an enum's constants, written in lower case. */
    static <E extends Enum<E>> ConfigKey<E> oneOf(String name, Class<E> type) {
        return new ConfigKey<>(name, (settings, key) -> settings.oneOf(key, type));
    }

    /** The dotted name, e.g. {@code embed.batch-size}. */
    public String name() {
        return name;
    }

    T read(Settings settings) {
        return reader.apply(settings, name);
    }

    /** The built-in default from {@code conf/default.conf}, read and checked as any value is. */
    public T defaultValue() {
        return read(Settings.builtIn());
    }

    /** The name, so messages can say {@code "Set " + KEY + " to …"}. */
    @Override
    public String toString() {
        return name;
    }
}
