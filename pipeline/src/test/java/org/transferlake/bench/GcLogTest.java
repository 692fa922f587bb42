package org.transferlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GcLogTest {
    @Test
    void thePeakIsTheLargestHeapAfterACollectionNotAfterARemarkOrCleanup() {
        // JDK 17 G1 lines, as -Xlog:gc writes them (the first few from a run here, then a full GC and a remark).
        List<String> lines = List.of(
                "[0.004s][info][gc] Using G1",
                "[0.586s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(64M) 9.104ms",
                "[1.026s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 29M->7M(64M) 11.426ms",
                "[1.100s][info][gc] GC(4) Pause Young (Concurrent Start) (G1 Humongous Allocation) 45M->22M(64M) 3.1ms",
                "[1.101s][info][gc] GC(5) Concurrent Mark Cycle",
                "[1.150s][info][gc] GC(5) Pause Remark 50M->50M(64M) 1.002ms",
                "[1.160s][info][gc] GC(5) Pause Cleanup 52M->52M(64M) 0.301ms",
                "[1.170s][info][gc] GC(7) Pause Young (Mixed) (G1 Evacuation Pause) 41M->23M(64M) 2.2ms",
                "[1.180s][info][gc] GC(5) Concurrent Mark Cycle 79.105ms",
                "[2.001s][info][gc] GC(6) Pause Full (System.gc()) 40M->25M(64M) 20.5ms");

        // Young 3, 7, 22, mixed 23, full 25: the Remark and Cleanup occupancies (50, 52) collected nothing.
        assertThat(GcLog.peakAfterGc(lines)).isEqualTo(new GcLog.Peak(25, 25, 5));
    }

    @Test
    void kilobytesAndGigabytesAreConvertedAndRoundedUpToMegabytes() {
        List<String> lines = List.of(
                "[0.1s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 2048K->1500K(8192K) 1.0ms",
                "[0.2s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 3G->1G(4G) 1.0ms");

        assertThat(GcLog.peakAfterGc(lines)).isEqualTo(new GcLog.Peak(1024, 0, 2));
        assertThat(GcLog.peakAfterGc(lines.subList(0, 1))).isEqualTo(new GcLog.Peak(2, 0, 1));
    }

    @Test
    void readsTheLogOfARealJvm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gc.log");
        Process java = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx64m",
                        "-Xlog:gc:file=" + log,
                        "-version")
                .redirectErrorStream(true)
                .start();
        java.getInputStream().readAllBytes();
        assertThat(java.waitFor()).isZero();

        // -version allocates too little for a collection: the log exists, with none in it.
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.contains("[gc] Using "));
        assertThat(GcLog.peakAfterGc(log)).isEqualTo(new GcLog.Peak(0, 0, 0));
    }
}
