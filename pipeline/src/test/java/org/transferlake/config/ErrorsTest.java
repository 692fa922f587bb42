package org.transferlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    void aHeldLockNamesItsHolderAndTheExpiryKeyAndIsOfItsOwnKind() {
        org.apache.hadoop.fs.Path lock =
                new org.apache.hadoop.fs.Path("s3a://lake/transferlake/_transferlake/run.lock");

        TransferlakeException held = Errors.lockHeld(
                "train", lock, "run extract-1 (extract) on host, pid 7, heartbeat 2024-01-02T03:04:05Z");
        assertThat(held)
                .hasMessage("Cannot start train: another run holds the lake lock "
                        + "s3a://lake/transferlake/_transferlake/run.lock: run extract-1 (extract) on host, pid 7, "
                        + "heartbeat 2024-01-02T03:04:05Z. Nothing was changed. Wait for it to finish; a run that died "
                        + "is taken over once its heartbeat has stopped for runs.lock-expiry-minutes.");
        assertThat(held.kind()).isEqualTo(TransferlakeException.Kind.LOCK_HELD);
    }

    @Test
    void badConfigIsInvalidInputAndAnIoFailureIsAFailure() {
        assertThat(Errors.unknownConfigKey("embed.batchsize", "embed.batch-size")
                        .kind())
                .isEqualTo(TransferlakeException.Kind.INVALID_INPUT);
        assertThat(Errors.imageListingFailed(java.net.URI.create("s3a://b/x/"), new java.io.IOException("down"))
                        .kind())
                .isEqualTo(TransferlakeException.Kind.FAILED);
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
