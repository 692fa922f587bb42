package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.transferlake.backbone.ModelStore;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;
import org.transferlake.score.SimilarImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "similar",
        description = "The images most like one already embedded, by cosine similarity of the configured backbone's"
                + " embeddings (exact: every embedding is compared).")
final class SimilarCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "The image, as its path in transferlake.features.")
    String path;

    @Option(names = "-k", defaultValue = "10", description = "How many images (default: ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() {
        SimilarImages.requireCount(k);
        PrintWriter out = spec.commandLine().getOut();
        try (Lake lake = Lake.open(common.loadConfig())) {
            String backboneId = ModelStore.configuredBackboneId(
                    lake.config(), lake.spark().sparkContext().hadoopConfiguration());
            List<SimilarImages.Match> matches =
                    SimilarImages.topK(new Tables(lake.spark(), lake.root()), backboneId, path, k);
            out.printf("%4s  %10s  %-12s  %s%n", "rank", "similarity", "label", "path");
            int rank = 0;
            for (SimilarImages.Match match : matches) {
                out.printf(
                        java.util.Locale.ROOT,
                        "%4d  %10.6f  %-12s  %s%n",
                        ++rank,
                        match.similarity(),
                        match.label() == null ? "" : match.label(),
                        match.path());
            }
            return 0;
        }
    }
}
