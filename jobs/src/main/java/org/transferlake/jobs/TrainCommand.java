package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "train",
        description = "Train heads on the labeled features; register them; promote the best if it beats the champion.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Lake lake = Lake.open(common.loadConfig())) {
            Summaries.train(lake, spec.commandLine().getOut());
            return 0;
        }
    }
}
