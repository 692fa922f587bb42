package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class JobRunTest {
    @Test
    void aStoreThatDoesNotAnswerIsTheLakeButOneThatRefusesIsNot() {
        ConnectException refused = new ConnectException("Connection refused");
        Exception sparkJob = new Exception(
                "Job aborted due to stage failure", new java.io.IOException("getFileStatus on s3a://lake/x", refused));
        Exception denied = new Exception(
                "Job aborted due to stage failure", new AccessDeniedException("s3a://lake/x: 403 Forbidden"));

        assertThat(JobRun.lakeCause(sparkJob)).containsSame(refused);
        assertThat(JobRun.lakeCause(denied)).isEmpty();
        assertThat(JobRun.lakeCause(new IllegalStateException("no cause"))).isEmpty();
    }

    @Test
    void ourErrorThrownInATaskIsFoundInsideSparksJobFailure() {
        org.transferlake.config.TransferlakeException listing = org.transferlake.config.Errors.imageListingFailed(
                java.net.URI.create("s3a://lake/images/d1/"), new java.io.FileNotFoundException("d1"));
        Exception sparkJob = new Exception("Job aborted due to stage failure", listing);

        assertThat(org.transferlake.config.TransferlakeException.within(sparkJob))
                .containsSame(listing);
        assertThat(org.transferlake.config.TransferlakeException.within(listing))
                .containsSame(listing);
        assertThat(org.transferlake.config.TransferlakeException.within(
                        new Exception("Job aborted", new IllegalStateException("a bug"))))
                .isEmpty();
    }
}
