package org.transferlake.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.transferlake.bench.JavaCommand;

/** A child JVM whose output (stdout and stderr together) is read as it comes. */
final class ChildJvm {
    final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ChildJvm(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The process was killed.
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(ProcessBuilder builder) throws IOException {
        return new ChildJvm(builder.redirectErrorStream(true).start());
    }

    /**
     * {@code transferlake <args>} in a child JVM on this JVM's classpath (the local launcher's way),
     * with {@code properties} as system properties (Spark reads {@code spark.*} ones as its conf).
     */
    static ProcessBuilder transferlake(String heap, java.util.Map<String, String> properties, List<String> args) {
        return JavaCommand.onThisClasspath(heap, List.of(), properties, TransferlakeCli.class.getName(), args);
    }

    /** Waits until a line ends with {@code text}; false if the process ended first or 5 minutes passed. */
    boolean waitFor(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(line -> line.endsWith(text))) {
                    return true;
                }
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits up to 10 minutes for the exit and for the last of its output. */
    int finish() throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
        }
        reader.join(10_000);
        return process.exitValue();
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String output() {
        return String.join("\n", lines());
    }
}
