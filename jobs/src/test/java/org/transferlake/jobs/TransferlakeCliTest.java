package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

@Tag("unit")
class TransferlakeCliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = TransferlakeCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void configShowPrintsEveryKeyWithSecretsMasked() {
        int exit = run(
                "config",
                "show",
                "--conf",
                "lake.endpoint=https://s3.example.internal",
                "--conf",
                "lake.access-key=AKIAEXAMPLEACCESS",
                "--conf",
                "lake.secret-key=wJalrXUtnFEMI-K7MDENG");

        assertThat(exit).isZero();
        assertThat(out.toString())
                .contains(
                        "lake.endpoint = https://s3.example.internal\n",
                        "lake.access-key = AKIA****\n",
                        "lake.secret-key = wJal****\n",
                        "demo.seed = 42\n");
        assertThat(out.toString()).doesNotContain("AKIAEXAMPLEACCESS", "wJalrXUtnFEMI-K7MDENG");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anInvalidConfigExitsWithCodeTwoAndTheMessageOnly() {
        int exit = run("config", "show", "--conf", "lake.embedded.port=-1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("Cannot load config: lake.embedded.port must be between 0 and 65535, got -1. "
                        + "Set it in your --config file or with --conf lake.embedded.port=0 (the default).\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void serveRefusesANonEmbeddedEndpoint() {
        int exit = run("lake", "serve", "--conf", "lake.endpoint=aws");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("Cannot serve the lake: lake.endpoint is aws, not embedded. "
                        + "Run it with --conf lake.endpoint=embedded.\n");
    }

    @Test
    void benchExtractRefusesAnImageCountBeforeStartingAnything() {
        int exit = run("bench", "extract", "--images", "15");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("Cannot benchmark extract: --images must be a positive multiple of 10 "
                        + "(as many of each class), got 15. Pass e.g. --images 1200.\n");
    }

    @Test
    void benchScaleRefusesCountsItCannotSplitBeforeStartingAnything() {
        assertThat(run("bench", "scale", "--images", "1050")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo(
                        "Cannot benchmark scale: --images must be at least 1000 and a multiple of 100 (the images are"
                                + " split into 100 directories), got 1050. Pass e.g. --images 100000.\n");

        err.getBuffer().setLength(0);
        assertThat(run("bench", "scale", "--images", "1000", "--plan-paths", "1500"))
                .isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("Cannot benchmark scale: --plan-paths must be 0 (no plan phase) or a positive multiple of"
                        + " 1000, got 1500. Pass e.g. --plan-paths 1000000.\n");

        err.getBuffer().setLength(0);
        assertThat(run("bench", "scale", "--driver-heap", "100")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("Cannot benchmark scale: --driver-heap must be at least 256 MB, got 100."
                        + " Pass e.g. --driver-heap 1024.\n");
    }

    @Test
    void benchAccuracyRefusesAMalformedVariantBeforeStartingAnything() {
        int exit = run("bench", "accuracy", "--variant", "backbone.preprocessing=tf");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("Cannot load config: --variant 'backbone.preprocessing=tf' is not NAME:KEY=VALUE;KEY=VALUE. "
                        + "Name the variant, then its config overrides, e.g. 'tf:backbone.preprocessing=tf'.\n");
    }

    @Test
    void benchAccuracyRefusesAVariantWithABadValue() {
        int exit = run("bench", "accuracy", "--variant", "tf:backbone.preprocessing=imagenet");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .startsWith(
                        "Cannot load config: backbone.preprocessing must be one of unit, tf, caffe, torch, got 'imagenet'.");
    }

    @Test
    void benchAccuracyRefusesAVariantThatChangesTheHeads() {
        int exit = run("bench", "accuracy", "--variant", "wide:heads.mlp.hidden-units=[512]");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo(
                        "Cannot load config: --variant 'wide:heads.mlp.hidden-units=[512]' sets heads.mlp.hidden-units,"
                                + " but a variant may only change backbone.* and embed.* keys (every variant is measured with"
                                + " the same heads). Set head keys for all variants with --conf.\n");
    }

    @Test
    void sqlSimilarAndBenchSimilarRefuseBadArgumentsBeforeSparkStarts() {
        assertThat(run("sql", "--output", "xml", "-e", "SELECT 1")).isEqualTo(2);
        assertThat(run("sql", "--max-rows", "-1", "-e", "SELECT 1")).isEqualTo(2);
        assertThat(run("sql", "-f", "no-such-file.sql")).isEqualTo(2);
        assertThat(run("similar", "s3a://lake/x.png", "-k", "0")).isEqualTo(2);
        assertThat(run("bench", "similar", "--rows", "1")).isEqualTo(2);
        assertThat(run("notebook", "run", "no-such.ipynb")).isEqualTo(2);

        assertThat(err.toString())
                .isEqualTo("Cannot print results: 'xml' is not an output format. Use table, csv or json.\n"
                        + "Cannot print results: --max-rows is -1. Pass 0 to print every row, or a positive limit.\n"
                        + "Cannot read no-such-file.sql: NoSuchFileException: no-such-file.sql. Check the path and its"
                        + " permissions.\n"
                        + "Cannot find similar images: -k is 0; it must be between 1 and 10000. Pass a k in that"
                        + " range.\n"
                        + "Cannot benchmark similarity: --rows is 1 and --dim 1280; there must be at least 2 rows of"
                        + " at least 1 float. Pass --rows 2 or more and --dim 1 or more.\n"
                        + "Cannot read no-such.ipynb: NoSuchFileException: no-such.ipynb. Check the path and its"
                        + " permissions.\n");
    }

    @Test
    void reportReadsTheLearningCurvesWhereADefaultBenchAccuracyWritesThem() {
        assertThat(org.transferlake.bench.AccuracyBenchmark.csvBeside(
                        java.nio.file.Path.of(BenchCommand.ACCURACY_PLOT)))
                .isEqualTo(java.nio.file.Path.of(BenchCommand.ACCURACY_RESULTS));
    }

    @Test
    void reportRefusesADirectoryAsItsOutputBeforeSparkStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assertThat(run("report", "--output", dir.toString())).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("Cannot write the report " + dir + ": it is a directory. Rename or remove it, or (with"
                        + " transferlake report) pass a file name, e.g. --output " + dir.resolve("report.html")
                        + ".\n");
    }

    @Test
    void sqlTakesEitherStatementsOrAFile() {
        assertThat(run("sql", "-e", "SELECT 1", "-f", "x.sql")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: -e=SQL, -f=FILE are mutually exclusive");
    }
}
