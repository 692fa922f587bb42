package org.transferlake.jobs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --conf key=value}, shared by every command. */
final class CommonOptions {
    private static final Logger LOG = LoggerFactory.getLogger(CommonOptions.class);

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "HOCON file overriding the built-in defaults (conf/default.conf).")
    Path configFile;

    @Option(
            names = "--conf",
            paramLabel = "KEY=VALUE",
            description = "Override one key; repeatable; wins over --config.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The validated config; on a bad key or value, {@link InvalidConfigException} (exit code 2). */
    PipelineConfig loadConfig() {
        return loadConfig(Map.of());
    }

    /** {@link #loadConfig()} with {@code more} overrides on top of {@code --conf}. */
    PipelineConfig loadConfig(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(overrides);
        all.putAll(more);
        try {
            PipelineConfig config = ConfigLoader.load(configFile, all, System.getenv());
            LOG.info("Effective config (secrets masked):\n{}", config.render());
            return config;
        } catch (TransferlakeException e) {
            throw new InvalidConfigException(e);
        }
    }

    /**
     * These options as command-line arguments again, for a child process of the same config; secret
     * keys given with {@code --conf} go in {@link #secretsAsEnvironment()} instead (a command line is
     * visible to every user of the machine).
     */
    java.util.List<String> asArguments() {
        java.util.List<String> arguments = new java.util.ArrayList<>();
        if (configFile != null) {
            arguments.addAll(
                    java.util.List.of("--config", configFile.toAbsolutePath().toString()));
        }
        overrides.forEach((key, value) -> {
            if (!ConfigLoader.SECRET_ENVIRONMENT.containsKey(key)) {
                arguments.addAll(java.util.List.of("--conf", key + "=" + value));
            }
        });
        return arguments;
    }

    /** The secret keys given with {@code --conf}, as the environment variables that set them. */
    Map<String, String> secretsAsEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        overrides.forEach((key, value) -> {
            if (ConfigLoader.SECRET_ENVIRONMENT.containsKey(key)) {
                environment.put(ConfigLoader.SECRET_ENVIRONMENT.get(key), value);
            }
        });
        return environment;
    }

    /** A config that failed validation: reported without a stack trace, exit code 2. */
    static final class InvalidConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(TransferlakeException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
