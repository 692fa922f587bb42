package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "nightly",
        description = {
            "The night's work under one lake lock: extract what is new; train and promote if at least"
                    + " nightly.retrain-min-new-labels labelled images arrived since the last training; score what"
                    + " the champion has not scored; maintain if nightly.maintain. One runs row lists the child runs."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:failed (a re-run resumes: what was written stays, nothing is written twice)",
            "2:bad config, model or input (a re-run as it is cannot help)",
            "3:another run holds the lake lock (nothing was changed)"
        })
final class NightlyCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--force-train", description = "Train even when too few new labels arrived.")
    boolean forceTrain;

    @Override
    public Integer call() {
        try (Lake lake = Lake.open(common.loadConfig())) {
            Summaries.nightly(lake, forceTrain, spec.commandLine().getOut());
            return 0;
        }
    }
}
