package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled backbone loads and runs in a JVM that cannot reach any host, with an empty DJL cache. */
@Tag("unit")
class OfflineTest {
    @TempDir
    Path djlCache;

    @Test
    void bundledBackboneRunsWithTheNetworkCut() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        String proxy = "127.0.0.1";
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dhttp.proxyHost=" + proxy,
                "-Dhttp.proxyPort=" + deadPort,
                "-Dhttps.proxyHost=" + proxy,
                "-Dhttps.proxyPort=" + deadPort,
                "-Dlog4j2.configurationFile=log4j2-test.properties",
                "-cp",
                System.getProperty("java.class.path"),
                OfflineProbe.class.getName(),
                Path.of("target/model-cache").toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DJL_CACHE_DIR", djlCache.toString());
        builder.environment().put("ENGINE_CACHE_DIR", djlCache.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("network blocked: true", "embedded 2 images of dimension 3392");
        try (var files = Files.walk(djlCache)) {
            assertThat(files.filter(Files::isRegularFile).toList())
                    .as("nothing downloaded into DJL's cache")
                    .isEmpty();
        }
    }
}
