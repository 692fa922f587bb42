package org.transferlake.jobs;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.transferlake.config.TransferlakeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code transferlake} command line: parses arguments and hands over to the pipeline library. */
@Command(
        name = "transferlake",
        mixinStandardHelpOptions = true,
        version = "transferlake 0.1.0",
        description = "Transfer learning at data-lake scale: frozen backbones on Spark, embeddings in Delta.",
        exitCodeListHeading = "%nExit codes (every command):%n",
        exitCodeList = {
            "0:done",
            "1:failed",
            "2:bad config, model, input or usage",
            "3:another run holds the lake lock (nothing was changed)"
        },
        subcommands = {
            ConfigCommand.class,
            LakeCommand.class,
            DemoDataCommand.class,
            ExtractCommand.class,
            TrainCommand.class,
            ScoreCommand.class,
            SimilarCommand.class,
            SqlCommand.class,
            RegisterCommand.class,
            NotebookCommand.class,
            ReportCommand.class,
            NightlyCommand.class,
            MaintainCommand.class,
            HeadsCommand.class,
            BackboneCommand.class,
            BenchCommand.class,
            DemoCommand.class
        })
public final class TransferlakeCli {
    /** What Spark configures when it finds no log4j2 config of the operator's. */
    private static final String SPARK_DEFAULT_LOGGING = "org/apache/spark/log4j2-defaults.properties";

    static final int EXIT_FAILED = 1;
    static final int EXIT_INVALID_INPUT = 2;
    static final int EXIT_LOCK_HELD = 3;

    public static void main(String[] args) {
        applyJobLogging();
        System.exit(run(args));
    }

    /**
     * Our logging levels (log4j2.properties beside this class: Spark at WARN, transferlake at INFO)
     * when nobody chose any: under spark-submit Spark's own defaults log every task at INFO (2,147
     * lines for an extract of 28 images), and a bare {@code java} has log4j's default. A config the
     * operator chose stays.
     */
    static void applyJobLogging() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        String location = context.getConfiguration().getConfigurationSource().getLocation();
        if (location == null || location.endsWith(SPARK_DEFAULT_LOGGING)) {
            try {
                context.setConfigLocation(
                        TransferlakeCli.class.getResource("log4j2.properties").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("The job jar's log4j2.properties has no URI", e);
            }
        }
    }

    /** Runs one command and returns its exit code: 0 done, 1 failed, 2 bad config or input, 3 lock held. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        return new CommandLine(new TransferlakeCli())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    if (exception instanceof CommonOptions.InvalidConfigException) {
                        commandLine.getErr().println(exception.getMessage());
                        return EXIT_INVALID_INPUT;
                    }
                    if (exception instanceof TransferlakeException known) {
                        commandLine.getErr().println(exception.getMessage());
                        return exitCode(known.kind());
                    }
                    throw exception;
                });
    }

    static int exitCode(TransferlakeException.Kind kind) {
        return switch (kind) {
            case FAILED -> EXIT_FAILED;
            case INVALID_INPUT -> EXIT_INVALID_INPUT;
            case LOCK_HELD -> EXIT_LOCK_HELD;
        };
    }
}
