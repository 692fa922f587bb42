package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;
import org.transferlake.query.QuerySession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "register",
        description = "Register the lake's tables and views in the session's catalog: under spark-submit on a cluster,"
                + " its metastore, so spark-sql, Databricks or Trino users see transferlake.*. Idempotent.")
final class RegisterCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Lake lake = Lake.open(common.loadConfig())) {
            String catalog = lake.spark().conf().get("spark.sql.catalogImplementation", "in-memory");
            for (Tables.Registration registration : QuerySession.attach(lake)) {
                out.printf(
                        "%-32s %-12s %s%n",
                        registration.name(),
                        registration
                                .outcome()
                                .name()
                                .toLowerCase(java.util.Locale.ROOT)
                                .replace('_', ' '),
                        registration.location());
            }
            if (!catalog.equals("hive")) {
                out.println("This session's catalog is " + catalog + ": the names last as long as the session. Every"
                        + " transferlake command registers them again; for other tools, run register under a"
                        + " spark-submit whose session has a metastore (spark.sql.catalogImplementation=hive).");
            }
            return 0;
        }
    }
}
