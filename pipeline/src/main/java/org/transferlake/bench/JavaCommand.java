package org.transferlake.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.transferlake.lake.EmbeddedS3Server;

/** Child JVMs on this JVM's classpath, started the way the local launcher starts the CLI. */
public final class JavaCommand {
    private static final List<String> INHERITED_PROPERTIES =
            List.of(EmbeddedS3Server.JAR_PROPERTY, "log4j2.configurationFile", "spark.ui.enabled");

    private JavaCommand() {}

    /** {@code java -Xmx<heap>} with the same {@code --add-opens} as this JVM (Spark on Java 17). */
    public static List<String> java(String heap) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("--add-opens"))
                .forEach(command::add);
        return command;
    }

    /**
     * {@code mainClass args} in a child JVM with heap {@code heap}, this JVM's classpath, the embedded
     * server's jar, logging config and Spark UI switch and TensorFlow's environment as this JVM has them,
     * {@code jvmOptions} (e.g. GC logging) and {@code properties} as system properties (Spark reads
     * {@code spark.*} ones as its conf).
     */
    public static ProcessBuilder onThisClasspath(
            String heap, List<String> jvmOptions, Map<String, String> properties, String mainClass, List<String> args) {
        List<String> command = java(heap);
        command.addAll(jvmOptions);
        // What the launcher or the build gave this JVM: the server's jar, the operator's logging, Spark's UI switch.
        for (String inherited : INHERITED_PROPERTIES) {
            String value = System.getProperty(inherited);
            if (value != null && !properties.containsKey(inherited)) {
                command.add("-D" + inherited + "=" + value);
            }
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putIfAbsent("TF_ENABLE_ONEDNN_OPTS", "1");
        builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "2");
        return builder;
    }
}
