package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.transferlake.config.ConfigKey;
import org.transferlake.config.ConfigKeys;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Credentials;
import org.transferlake.config.Errors;
import org.transferlake.config.LakeConfig;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.EmbeddedS3Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "lake", description = "The embedded lake.", subcommands = LakeCommand.Serve.class)
final class LakeCommand {

    @Command(
            name = "serve",
            description = "Run the embedded S3 server until interrupted, so spark-shell, notebooks or the AWS CLI "
                    + "can attach.")
    static final class Serve implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PipelineConfig config = common.loadConfig();
            LakeConfig lake = config.lake();
            if (!lake.isEmbedded()) {
                throw Errors.lakeNotEmbedded(lake.endpoint());
            }
            try (EmbeddedS3Server server =
                    EmbeddedS3Server.start(lake.embeddedDataDir(), lake.embeddedPort(), lake.bucket())) {
                PrintWriter out = spec.commandLine().getOut();
                String file = server.credentialsFile().toString();
                out.println("Embedded lake serving " + lake.root() + " at " + server.endpoint());
                out.println(
                        "Access key " + Credentials.mask(server.credentials().accessKey()) + "; both keys are in "
                                + file + " (owner-only).");
                out.println("Attach another transferlake command:");
                out.println("  export " + secretVariable(ConfigKeys.LAKE_ACCESS_KEY) + "=$(sed -n 's/^access-key=//p' "
                        + file + ")");
                out.println("  export " + secretVariable(ConfigKeys.LAKE_SECRET_KEY) + "=$(sed -n 's/^secret-key=//p' "
                        + file + ")");
                out.println(
                        "  bin/transferlake <command> --conf " + ConfigKeys.LAKE_ENDPOINT + "=" + server.endpoint());
                out.println("Press Ctrl-C to stop.");
                out.flush();
                return server.awaitExit();
            }
        }

        private static String secretVariable(ConfigKey<String> key) {
            return ConfigLoader.SECRET_ENVIRONMENT.get(key.name());
        }
    }
}
