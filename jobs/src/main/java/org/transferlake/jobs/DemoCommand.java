package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        description = "Run the whole demo on the embedded lake: demo data, extract, train, score, report.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PipelineConfig config = common.loadConfig();
        Summaries.requireReportFile(java.nio.file.Path.of(Summaries.REPORT));
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (Lake lake = Lake.open(config)) {
            out.println("[1/5] demo data");
            Summaries.writeDemoData(lake, out);
            Summaries.printObjects(lake, out);
            out.println("[2/5] extract");
            Summaries.extract(lake, out);
            out.println("[3/5] train");
            Summaries.train(lake, out);
            out.println("[4/5] score");
            Summaries.score(lake, java.util.Optional.empty(), java.util.Optional.empty(), out);
            out.println("[5/5] report");
            java.nio.file.Path report = Summaries.report(
                    lake,
                    java.nio.file.Path.of(Summaries.REPORT),
                    java.nio.file.Path.of(BenchCommand.ACCURACY_RESULTS));
            out.println(
                    "Query it: bin/transferlake sql -e \"SELECT label, count(*) FROM transferlake.latest_predictions"
                            + " GROUP BY label\" (or the notebooks in notebooks/)");
            out.printf(
                    "Demo done in %.1f s. Lake root %s%s%n",
                    (System.nanoTime() - start) / 1e9,
                    lake.root(),
                    lake.server()
                            .map(server -> " (embedded S3 at " + server.endpoint() + ", data in "
                                    + config.lake().embeddedDataDir() + ")")
                            .orElse(""));
            // Last, where the eye lands when the demo ends.
            out.println("Report: " + report);
            return 0;
        }
    }
}
