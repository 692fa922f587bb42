package org.transferlake.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.transferlake.bench.AccuracyBenchmark;
import org.transferlake.bench.BackboneBenchmark;
import org.transferlake.bench.ExtractBenchmark;
import org.transferlake.bench.ScaleBenchmark;
import org.transferlake.bench.SimilarityBenchmark;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        description = "Benchmarks that print ratios against a baseline measured in the same run.",
        subcommands = {
            BenchCommand.BackboneBench.class,
            BenchCommand.ExtractBench.class,
            BenchCommand.AccuracyBench.class,
            BenchCommand.ScaleBench.class,
            BenchCommand.SimilarBench.class
        })
final class BenchCommand {
    /** Where bench accuracy draws its learning curves by default; its CSV goes beside it. */
    static final String ACCURACY_PLOT = "bench-accuracy.png";

    /** {@code AccuracyBenchmark.csvBeside(ACCURACY_PLOT)}, as a constant for the option defaults (tested). */
    static final String ACCURACY_RESULTS = "bench-accuracy.csv";

    @Command(name = "backbone", description = "Images/s per batch size with oneDNN off and on, and peak RSS.")
    static final class BackboneBench implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--batch-sizes",
                split = ",",
                defaultValue = "1,8,16,32",
                description = "Default: ${DEFAULT-VALUE}.")
        List<Integer> batchSizes;

        @Option(
                names = "--images",
                defaultValue = "96",
                description = "Images per batch size (default: ${DEFAULT-VALUE}).")
        int images;

        @Override
        public Integer call() {
            BackboneBenchmark.run(
                    common.loadConfig(), batchSizes, images, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(
            name = "accuracy",
            description = "Does a backbone help on my data? Test accuracy of heads on frozen embeddings of one or more"
                    + " backbone variants vs on raw pixels, per label budget; prints the table, writes the learning"
                    + " curves as a PNG.")
    static final class AccuracyBench implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--budgets",
                split = ",",
                defaultValue = "10,100,1000,0",
                description = "Labels per class; 0 = all (default: ${DEFAULT-VALUE}).")
        List<Integer> budgets;

        @Option(
                names = "--images",
                paramLabel = "URI",
                description = "Root of <split>/<label>/<file> images (any Hadoop URI; split folders optional)."
                        + " Default: Fashion-MNIST (apt-get install dataset-fashion-mnist; else the bundled 10k).")
        java.net.URI images;

        @Option(
                names = "--variant",
                paramLabel = "NAME:KEY=VALUE;KEY=VALUE",
                description = "A backbone to compare, as config overrides on top of --conf, e.g."
                        + " 'tf-3cut:backbone.preprocessing=tf;backbone.layers=[block_6_expand_relu,flatten_1]';"
                        + " repeatable. Default: the configured backbone alone.")
        List<String> variants = new java.util.ArrayList<>();

        @Option(
                names = "--test-per-class",
                defaultValue = "0",
                description = "At most this many test images per class, seeded; 0 = all (default: ${DEFAULT-VALUE}).")
        int testPerClass;

        @Option(
                names = "--plot",
                defaultValue = ACCURACY_PLOT,
                description = "Where the learning-curve PNG goes (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path plot;

        @Override
        public Integer call() {
            List<AccuracyBenchmark.Variant> parsed = new java.util.ArrayList<>();
            for (String variant : variants) {
                int colon = variant.indexOf(':');
                if (colon <= 0) {
                    throw new CommonOptions.InvalidConfigException(Errors.badBenchVariant(variant));
                }
                java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();
                for (String pair : variant.substring(colon + 1).split(";")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int equals = pair.indexOf('=');
                    if (equals <= 0) {
                        throw new CommonOptions.InvalidConfigException(Errors.badBenchVariant(variant));
                    }
                    String key = pair.substring(0, equals).trim();
                    if (!key.startsWith("backbone.") && !key.startsWith("embed.")) {
                        throw new CommonOptions.InvalidConfigException(Errors.benchVariantKeyNotBackbone(variant, key));
                    }
                    overrides.put(key, pair.substring(equals + 1).trim());
                }
                parsed.add(new AccuracyBenchmark.Variant(variant.substring(0, colon), common.loadConfig(overrides)));
            }
            PipelineConfig config = common.loadConfig();
            if (parsed.isEmpty()) {
                parsed.add(new AccuracyBenchmark.Variant(config.backbone().name(), config));
            }
            try (Lake lake = Lake.open(config)) {
                AccuracyBenchmark.run(
                        lake.spark(),
                        config,
                        parsed,
                        images,
                        budgets,
                        testPerClass,
                        plot,
                        spec.commandLine().getOut());
                return 0;
            }
        }
    }

    @Command(
            name = "extract",
            description =
                    "Plain DJL loop vs our pipeline vs a model per task, on Fashion-MNIST images; incremental re-run.")
    static final class ExtractBench implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--images",
                defaultValue = "1200",
                description = "How many images, a multiple of 10; kept under <lake.root>bench/ for the next run "
                        + "(default: ${DEFAULT-VALUE}).")
        int images;

        @Override
        public Integer call() {
            ExtractBenchmark.requireImageCount(images);
            try (Lake lake = Lake.open(common.loadConfig())) {
                ExtractBenchmark.run(
                        lake.spark(), lake.config(), images, spec.commandLine().getOut());
                return 0;
            }
        }
    }

    @Command(
            name = "scale",
            description = "Extract of N generated images in a child JVM with a capped heap, then N/10 alone, a re-run"
                    + " with nothing new and a 1% increment: heap peak, per-image cost at N vs N/10, re-run cost.")
    static final class ScaleBench implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--images",
                defaultValue = "100000",
                description = "How many images, a multiple of 100; kept under <lake.root>bench/scale-N/ for the next"
                        + " run (default: ${DEFAULT-VALUE}).")
        long images;

        @Option(
                names = "--driver-heap",
                defaultValue = "1024",
                paramLabel = "MB",
                description = "-Xmx of each phase's JVM, in MB (default: ${DEFAULT-VALUE}).")
        int driverHeapMb;

        @Option(
                names = "--plan-paths",
                defaultValue = "0",
                description = "Also run extract --plan over this many empty files (a multiple of 1000) in a local"
                        + " directory; 0 = skip (default: ${DEFAULT-VALUE}).")
        long planPaths;

        @Option(
                names = "--work-dir",
                defaultValue = "${java.io.tmpdir}/transferlake-bench-scale",
                description = "Local directory for the phases' logs and GC logs and the plan's files"
                        + " (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path workDir;

        @Option(
                names = "--keep-tables",
                description = "Keep the phases' tables under <lake.root>bench/ (default: deleted at the end; the"
                        + " images are always kept).")
        boolean keepTables;

        @Override
        public Integer call() {
            ScaleBenchmark.requireArguments(images, driverHeapMb, planPaths);
            try (Lake lake = Lake.open(common.loadConfig())) {
                ScaleBenchmark.run(
                        lake,
                        images,
                        driverHeapMb,
                        planPaths,
                        new ScaleBenchmark.Cli(
                                TransferlakeCli.class.getName(), common.asArguments(), common.secretsAsEnvironment()),
                        workDir,
                        keepTables,
                        spec.commandLine().getOut());
                return 0;
            }
        }
    }

    @Command(
            name = "similar",
            description =
                    "Exact top-k by cosine over N generated embeddings: ours (top k per partition, merged) vs a"
                            + " whole-table sort collected to the driver, and the README's SQL; time, rows to the driver, heap.")
    static final class SimilarBench implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--rows",
                defaultValue = "100000",
                description = "Embeddings; kept under <lake.root>bench/ for the next run (default: ${DEFAULT-VALUE}).")
        int rows;

        @Option(
                names = "--dim",
                defaultValue = "1280",
                description = "Floats per embedding (default: ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "-k", defaultValue = "10", description = "Images per query (default: ${DEFAULT-VALUE}).")
        int k;

        @Override
        public Integer call() {
            SimilarityBenchmark.requireSizes(rows, dim, k);
            try (Lake lake = Lake.open(common.loadConfig())) {
                SimilarityBenchmark.run(
                        lake.spark(),
                        lake.root(),
                        rows,
                        dim,
                        k,
                        spec.commandLine().getOut());
                return 0;
            }
        }
    }
}
