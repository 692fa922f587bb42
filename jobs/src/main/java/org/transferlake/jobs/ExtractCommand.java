package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "extract",
        description = "Embed new or changed images into the features table; refused ones go to quarantine.")
final class ExtractCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--plan",
            description = "List and select only: print what would be read and embedded, and change nothing.")
    boolean plan;

    @Option(
            names = "--plan-sample",
            defaultValue = "20",
            description = "Paths --plan prints (default: ${DEFAULT-VALUE}).")
    int planSample;

    @Override
    public Integer call() {
        try (Lake lake = Lake.open(common.loadConfig())) {
            if (plan) {
                Summaries.plan(lake, planSample, spec.commandLine().getOut());
            } else {
                Summaries.extract(lake, spec.commandLine().getOut());
            }
            return 0;
        }
    }
}
