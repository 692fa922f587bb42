package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.transferlake.backbone.ModelStore;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "heads",
        description = "The head registry: list, promote, roll back.",
        subcommands = {HeadsCommand.ListHeads.class, HeadsCommand.Promote.class, HeadsCommand.Rollback.class})
final class HeadsCommand {

    private static HeadRegistry registry(Lake lake) {
        return new HeadRegistry(lake.spark(), new Tables(lake.spark(), lake.root()));
    }

    @Command(name = "list", description = "Every head, newest first, with its held-out metrics and status.")
    static final class ListHeads implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Lake lake = Lake.open(common.loadConfig())) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf(
                        "%-42s %-10s %-20s %8s %8s %8s  %s%n",
                        "head_id", "status", "algorithm", "accuracy", "macro_f1", "log_loss", "backbone_id");
                for (Row head : registry(lake).list().collectAsList()) {
                    out.printf(
                            "%-42s %-10s %-20s %8.4f %8.4f %8.4f  %s%n",
                            head.getAs("head_id"),
                            head.getAs("status"),
                            head.getAs("algorithm"),
                            (Double) head.getAs("accuracy"),
                            (Double) head.getAs("macro_f1"),
                            (Double) head.getAs("log_loss"),
                            head.getAs("backbone_id"));
                }
                return 0;
            }
        }
    }

    @Command(name = "promote", description = "Make a head the champion of its backbone (the current one is retired).")
    static final class Promote implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "HEAD_ID")
        String headId;

        @Override
        public Integer call() {
            try (Lake lake = Lake.open(common.loadConfig())) {
                registry(lake).promote(headId);
                spec.commandLine().getOut().println("Champion is now " + headId);
                return 0;
            }
        }
    }

    @Command(
            name = "rollback",
            description = "Give the championship back to the previous champion of the configured backbone.")
    static final class Rollback implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Lake lake = Lake.open(common.loadConfig())) {
                String backboneId = ModelStore.configuredBackboneId(
                        lake.config(), lake.spark().sparkContext().hadoopConfiguration());
                spec.commandLine()
                        .getOut()
                        .println("Champion is now " + registry(lake).rollback(backboneId));
                return 0;
            }
        }
    }
}
