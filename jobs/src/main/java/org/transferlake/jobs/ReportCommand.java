package org.transferlake.jobs;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "report",
        description = "Write an HTML report of the lake: the champion's confusion matrix and per-class precision and"
                + " recall, learning curves from bench accuracy, throughput per step, run history, quarantine"
                + " reasons and a PCA projection of the embeddings. One self-contained file; nothing in the lake"
                + " changes.")
final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            defaultValue = Summaries.REPORT,
            description = "Where the HTML goes (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--accuracy-results",
            paramLabel = "CSV",
            defaultValue = BenchCommand.ACCURACY_RESULTS,
            description = "The learning curves bench accuracy wrote beside its plot; the section says how to make"
                    + " them when the file is absent (default: ${DEFAULT-VALUE}).")
    Path accuracyResults;

    @Override
    public Integer call() {
        Summaries.requireReportFile(output);
        try (Lake lake = Lake.open(common.loadConfig())) {
            spec.commandLine().getOut().println("Report: " + Summaries.report(lake, output, accuracyResults));
            return 0;
        }
    }
}
