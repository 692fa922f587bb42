package org.transferlake.jobs;

import org.transferlake.config.TransferlakeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code transferlake} command line: parses arguments and hands over to the pipeline library. */
@Command(
        name = "transferlake",
        mixinStandardHelpOptions = true,
        version = "transferlake 0.1.0",
        description = "Transfer learning at data-lake scale: frozen backbones on Spark, embeddings in Delta.",
        subcommands = {
            ConfigCommand.class,
            LakeCommand.class,
            DemoDataCommand.class,
            ExtractCommand.class,
            TrainCommand.class,
            ScoreCommand.class,
            HeadsCommand.class,
            BackboneCommand.class,
            BenchCommand.class,
            DemoCommand.class
        })
public final class TransferlakeCli {
    static final int EXIT_FAILED = 1;
    static final int EXIT_INVALID_CONFIG = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code: 0 done, 1 failed, 2 invalid config or usage. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new TransferlakeCli())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    if (exception instanceof CommonOptions.InvalidConfigException) {
                        commandLine.getErr().println(exception.getMessage());
                        return EXIT_INVALID_CONFIG;
                    }
                    if (exception instanceof TransferlakeException) {
                        commandLine.getErr().println(exception.getMessage());
                        return EXIT_FAILED;
                    }
                    throw exception;
                });
    }
}
