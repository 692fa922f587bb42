package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class JobLoggingTest {
    @Test
    void overSparksDefaultsSparkLogsWarningsAndTransferlakeInfo() {
        // What spark-submit leaves when the operator has no log4j2 config: Spark's own defaults, root at INFO.
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.setConfigLocation(java.net.URI.create("classpath:org/apache/spark/log4j2-defaults.properties"));
        assertThat(LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager")
                        .isInfoEnabled())
                .as("Spark's defaults")
                .isTrue();

        TransferlakeCli.applyJobLogging();

        assertThat(LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager")
                        .isInfoEnabled())
                .isFalse();
        assertThat(LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager")
                        .isWarnEnabled())
                .isTrue();
        assertThat(LogManager.getLogger("org.transferlake.runs.ExtractRun").isInfoEnabled())
                .isTrue();
    }

    @Test
    void aConfigTheOperatorChoseStays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path mine = dir.resolve("log4j2.properties");
        java.nio.file.Files.writeString(
                mine,
                "rootLogger.level = debug\nrootLogger.appenderRef.out.ref = out\n"
                        + "appender.out.type = Console\nappender.out.name = out\n");
        ((LoggerContext) LogManager.getContext(false)).setConfigLocation(mine.toUri());

        TransferlakeCli.applyJobLogging();

        assertThat(LogManager.getLogger("org.apache.spark.scheduler.TaskSetManager")
                        .isDebugEnabled())
                .as("the operator's debug level")
                .isTrue();
    }
}
