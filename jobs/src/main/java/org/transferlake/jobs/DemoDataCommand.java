package org.transferlake.jobs;

import java.util.concurrent.Callable;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import org.transferlake.source.DemoData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "demo-data",
        description = "Write Fashion-MNIST into the lake as PNG images (ImageFolder layout); idempotent.")
final class DemoDataCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig config = common.loadConfig();
        try (Lake lake = Lake.open(config)) {
            DemoData.Result result =
                    Summaries.writeDemoData(lake, spec.commandLine().getOut());
            Summaries.printObjects(lake, spec.commandLine().getOut());
            return result.planned() > 0 ? 0 : TransferlakeCli.EXIT_FAILED;
        }
    }
}
