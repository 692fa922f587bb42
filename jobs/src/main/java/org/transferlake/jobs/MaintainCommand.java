package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "maintain",
        description = "Delta OPTIMIZE of every table, then VACUUM of files older than maintain.vacuum-retention-hours.")
final class MaintainCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--force",
            description = "Allow a retention below Delta's 7-day floor (only when no reader or writer is running).")
    boolean force;

    @Override
    public Integer call() {
        try (Lake lake = Lake.open(common.loadConfig())) {
            Summaries.maintain(lake, force, spec.commandLine().getOut());
            return 0;
        }
    }
}
