package org.transferlake.jobs;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import org.transferlake.score.PredictionExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "score",
        description = "Score not-yet-scored features with the champion (or --head) into the predictions table.")
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--head", description = "Head id to score with (default: the champion of the configured backbone).")
    String head;

    @Option(names = "--export", paramLabel = "URI", description = "Also write this head's predictions to URI.")
    String export;

    @Option(
            names = "--format",
            defaultValue = "parquet",
            description = "csv, parquet or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        // Checked before any work: a typo in --format must not cost a scoring run.
        Optional<PredictionExport> target =
                Optional.ofNullable(export).map(uri -> new PredictionExport(uri, PredictionExport.Format.of(format)));
        try (Lake lake = Lake.open(common.loadConfig())) {
            Summaries.score(
                    lake, Optional.ofNullable(head), target, spec.commandLine().getOut());
            return 0;
        }
    }
}
