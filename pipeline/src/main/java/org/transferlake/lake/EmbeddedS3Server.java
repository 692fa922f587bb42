package org.transferlake.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Credentials;
import org.transferlake.config.Errors;

/**
 * An S3-compatible server on 127.0.0.1 backed by a directory: S3Proxy with its filesystem store,
 * run as a child JVM from its own fat jar so its Jetty, Jackson and Guava never meet Spark's.
 * Authentication is on, with keys generated once per data directory and kept in a file only the
 * owner can read.
 */
public final class EmbeddedS3Server implements AutoCloseable {
    /** System property naming the S3Proxy fat jar; the launcher and the test build set it. */
    public static final String JAR_PROPERTY = "transferlake.s3proxy.jar";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final long STARTUP_TIMEOUT_MS = 60_000;

    private final Process process;
    private final String endpoint;
    private final Credentials credentials;
    private final Path dataDir;
    private final Thread shutdownHook;

    private EmbeddedS3Server(Process process, String endpoint, Credentials credentials, Path dataDir) {
        this.process = process;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.dataDir = dataDir;
        this.shutdownHook = new Thread(this::stopProcess, "embedded-s3-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a server storing its objects under {@code dataDir/buckets}, with {@code bucket} created.
     *
     * @param port TCP port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedS3Server start(Path dataDir, int port, String bucket) {
        Path jar = s3proxyJar();
        Path absoluteDir = dataDir.toAbsolutePath().normalize();
        try {
            createOwnerOnlyDirectory(absoluteDir);
            createOwnerOnlyDirectory(absoluteDir.resolve("buckets"));
            createOwnerOnlyDirectory(absoluteDir.resolve("buckets").resolve(bucket));
            Credentials credentials = loadOrCreateCredentials(absoluteDir.resolve("credentials.properties"));
            int chosenPort = port == 0 ? freePort() : port;
            String endpoint = "http://127.0.0.1:" + chosenPort;
            Path properties = absoluteDir.resolve("s3proxy.properties");
            writeOwnerOnly(properties, serverProperties(endpoint, credentials, absoluteDir.resolve("buckets")));
            Path log = absoluteDir.resolve("s3proxy.log");
            // The filesystem store grants anonymous reads on anything "other"-readable: umask 077 keeps new objects
            // private.
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 077 && exec \"$0\" \"$@\""));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx256m");
            command.add("-jar");
            command.add(jar.toString());
            command.add("--properties");
            command.add(properties.toString());
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("LOG_LEVEL", "warn");
            Process process = builder.start();
            awaitListening(process, chosenPort, log);
            LOG.info(
                    "Embedded S3 server on {} (data in {}, access key {})",
                    endpoint,
                    absoluteDir,
                    Credentials.mask(credentials.accessKey()));
            return new EmbeddedS3Server(process, endpoint, credentials, absoluteDir);
        } catch (IOException e) {
            throw Errors.embeddedLakeIoFailed(absoluteDir, e);
        }
    }

    /** The http URL of the S3 API. */
    public String endpoint() {
        return endpoint;
    }

    public Credentials credentials() {
        return credentials;
    }

    /** The file that holds the generated keys (owner-readable only). */
    public Path credentialsFile() {
        return dataDir.resolve("credentials.properties");
    }

    /** Blocks until the server exits (for {@code lake serve}). */
    public int awaitExit() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran: nothing left to remove
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Path s3proxyJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured == null || !Files.isRegularFile(Path.of(configured))) {
            throw Errors.s3ProxyJarMissing(JAR_PROPERTY, configured);
        }
        return Path.of(configured);
    }

    private static Properties serverProperties(String endpoint, Credentials credentials, Path buckets) {
        Properties properties = new Properties();
        properties.setProperty("s3proxy.endpoint", endpoint);
        properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        properties.setProperty("s3proxy.identity", credentials.accessKey());
        properties.setProperty("s3proxy.credential", credentials.secretKey());
        properties.setProperty("jclouds.provider", "filesystem");
        properties.setProperty("jclouds.filesystem.basedir", buckets.toString());
        return properties;
    }

    private static void createOwnerOnlyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static Credentials loadOrCreateCredentials(Path file) throws IOException {
        Properties stored = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                stored.load(in);
            }
            return new Credentials(stored.getProperty("access-key"), stored.getProperty("secret-key"));
        }
        SecureRandom random = new SecureRandom();
        stored.setProperty("access-key", "TL" + randomString(random, 18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
        stored.setProperty(
                "secret-key",
                randomString(random, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"));
        writeOwnerOnly(file, stored);
        return new Credentials(stored.getProperty("access-key"), stored.getProperty("secret-key"));
    }

    private static String randomString(SecureRandom random, int length, String alphabet) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** Written to a temporary file first and renamed, so a reader never sees half a file. */
    private static void writeOwnerOnly(Path file, Properties properties) throws IOException {
        Path temporary = Files.createTempFile(
                file.getParent(),
                file.getFileName().toString(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, "transferlake embedded lake; keep private");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(Process process, int port, Path log) {
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw Errors.s3ProxyExited(process.exitValue(), tail(log), log, port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        throw Errors.s3ProxyNotListening(port, STARTUP_TIMEOUT_MS / 1000, log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted("start the embedded lake", e);
        }
    }
}
