package org.transferlake.jobs;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.transferlake.config.Errors;
import org.transferlake.lake.Lake;
import org.transferlake.query.NotebookRunner;
import org.transferlake.query.QuerySession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "notebook", description = "Jupyter notebooks of Spark SQL.", subcommands = NotebookCommand.Run.class)
final class NotebookCommand {

    @Command(
            name = "run",
            description = "Run every cell against the lake and write the results into the notebook's outputs (tables;"
                    + " charts where a cell asks). Exits 1 at the first failed cell, or when a cell that expects rows"
                    + " gets none.")
    static final class Run implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NOTEBOOK", description = "The .ipynb file.")
        Path notebook;

        @Option(
                names = "--output",
                paramLabel = "FILE",
                description = "Write the executed notebook here (default: over NOTEBOOK).")
        Path output;

        @Override
        public Integer call() {
            // Read once before Spark starts: a wrong path or a file that is no notebook must not cost a session.
            NotebookRunner.codeCells(notebook);
            PrintWriter out = spec.commandLine().getOut();
            try (Lake lake = Lake.open(common.loadConfig())) {
                QuerySession.attach(lake);
                Path target = output == null ? notebook : output;
                NotebookRunner.Outcome outcome = NotebookRunner.run(lake.spark(), notebook, target);
                out.println("Ran " + outcome.cellsRun() + " cells of " + notebook + "; wrote " + target);
                if (outcome.failedCell() > 0) {
                    spec.commandLine().getErr().println(outcome.error());
                }
                if (!outcome.emptyCells().isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println(Errors.notebookCellsEmpty(notebook, outcome.emptyCells())
                                    .getMessage());
                }
                return outcome.succeeded() ? 0 : TransferlakeCli.EXIT_FAILED;
            }
        }
    }
}
