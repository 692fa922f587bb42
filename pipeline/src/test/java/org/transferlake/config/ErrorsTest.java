package org.transferlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The wording of the central errors, exactly; the others are asserted where they are thrown. */
@Tag("unit")
class ErrorsTest {
    @Test
    void anUnexpectedFailureNamesItsClassAndTheRunWhoseLogToRead() {
        NullPointerException bug = new NullPointerException("head is null");

        TransferlakeException error = Errors.unexpected("train", "train-20240102T030405Z-00ff", bug);

        assertThat(error)
                .hasMessage("Cannot finish train: java.lang.NullPointerException: head is null. This is a bug or an "
                        + "unexpected failure of Spark, Delta or the lake: see the driver log of run "
                        + "train-20240102T030405Z-00ff.")
                .hasCause(bug);
        assertThat(Errors.unexpected("score", "score-1", new IllegalStateException()))
                .hasMessage("Cannot finish score: java.lang.IllegalStateException. This is a bug or an unexpected "
                        + "failure of Spark, Delta or the lake: see the driver log of run score-1.");
    }

    @Test
    void anInvalidValueQuotesStringsAndNamesTheDefault() {
        assertThat(Errors.invalidConfigValue("embed.batch-size", "between 1 and 1024", 0L, 32))
                .hasMessage("Cannot load config: embed.batch-size must be between 1 and 1024, got 0. "
                        + "Set it in your --config file or with --conf embed.batch-size=32 (the default).");
        assertThat(Errors.invalidConfigValue("lake.region", "non-empty", "", "us-east-1"))
                .hasMessage("Cannot load config: lake.region must be non-empty, got ''. "
                        + "Set it in your --config file or with --conf lake.region=us-east-1 (the default).");
    }

    @Test
    void anUnknownKeySuggestsTheClosestOne() {
        assertThat(Errors.unknownConfigKey("embed.batchsize", "embed.batch-size"))
                .hasMessage("Cannot load config: unknown key embed.batchsize. Did you mean embed.batch-size? "
                        + "Every key is listed in conf/default.conf.");
    }

    @Test
    void aHeldLockNamesItsHolderAndTheStaleLimitKey() {
        org.apache.hadoop.fs.Path lock =
                new org.apache.hadoop.fs.Path("s3a://lake/transferlake/_transferlake/run.lock");

        assertThat(Errors.lockHeld(
                        "train", Instant.parse("2024-01-02T03:04:05Z"), lock, "extract-1 host 2024-01-02T03:04:05Z"))
                .hasMessage("Cannot start train: another run holds the lake lock since 2024-01-02T03:04:05Z "
                        + "(s3a://lake/transferlake/_transferlake/run.lock: extract-1 host 2024-01-02T03:04:05Z). "
                        + "Wait for it to finish; if it died, delete s3a://lake/transferlake/_transferlake/run.lock "
                        + "or wait until it is older than runs.lock-stale-after-minutes.");
    }

    @Test
    void anInterruptionKeepsItsCause() {
        InterruptedException interrupted = new InterruptedException();

        assertThat(Errors.interrupted("write demo data", interrupted))
                .hasMessage(
                        "Cannot write demo data: it was interrupted. Run it again unless it was stopped on purpose.")
                .hasCause(interrupted);
    }

    @Test
    void unreadableImagesNameTheFirstThreePaths() {
        List<String> paths =
                List.of("s3a://b/1.png", "s3a://b/2.png", "s3a://b/3.png", "s3a://b/4.png", "s3a://b/5.png");

        assertThat(Errors.imagesUnreadable(paths, new IOException("Forbidden")))
                .hasMessage(
                        "Cannot read images: Spark could not read s3a://b/1.png, s3a://b/2.png, s3a://b/3.png and 2 "
                                + "more (Forbidden). Check that the lake is reachable and the credentials can read it.");
        assertThat(Errors.imagesUnreadable(List.of("s3a://b/images/"), new IOException("Forbidden")))
                .hasMessage("Cannot read images: Spark could not read s3a://b/images/ (Forbidden). "
                        + "Check that the lake is reachable and the credentials can read it.");
    }
}
