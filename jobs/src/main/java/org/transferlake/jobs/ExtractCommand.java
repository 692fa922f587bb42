package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "extract",
        description = "Embed new or changed images into the features table; refused ones go to quarantine.")
final class ExtractCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Lake lake = Lake.open(common.loadConfig())) {
            Summaries.extract(lake, spec.commandLine().getOut());
            return 0;
        }
    }
}
