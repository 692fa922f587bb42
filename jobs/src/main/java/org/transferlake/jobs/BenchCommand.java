package org.transferlake.jobs;

import java.util.List;
import java.util.concurrent.Callable;
import org.transferlake.bench.AccuracyBenchmark;
import org.transferlake.bench.BackboneBenchmark;
import org.transferlake.bench.ExtractBenchmark;
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
            BenchCommand.AccuracyBench.class
        })
final class BenchCommand {

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
            description = "Fashion-MNIST test accuracy: heads on frozen embeddings vs on raw pixels, per label budget.")
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

        @Override
        public Integer call() {
            try (Lake lake = Lake.open(common.loadConfig())) {
                AccuracyBenchmark.run(
                        lake.spark(), lake.config(), budgets, spec.commandLine().getOut());
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
}
