package org.transferlake.jobs;

import ai.djl.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.transferlake.backbone.Backbone;
import org.transferlake.backbone.BackboneId;
import org.transferlake.backbone.LayersModelImporter;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.ConfigKeys;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.LakeConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "backbone",
        description = "Frozen backbones: import, inspect.",
        subcommands = {BackboneCommand.Import.class, BackboneCommand.Show.class})
final class BackboneCommand {

    @Command(
            name = "import",
            description = "Turn a Keras/TF.js layers model (model.json + weights) into a SavedModel cut at a layer.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--model-json",
                required = true,
                description = "The TF.js layers model.json (weight files next to it).")
        Path modelJson;

        @Option(
                names = {"--layers", "--layer"},
                required = true,
                split = ",",
                description = "Layer whose output is the embedding, e.g. flatten_1; or several, comma-separated,"
                        + " each global-average-pooled and concatenated, e.g. block_6_expand_relu,flatten_1.")
        java.util.List<String> layers;

        @Option(names = "--output", required = true, description = "New local directory for the SavedModel.")
        Path output;

        @Option(
                names = "--name",
                defaultValue = "imported",
                description = "Backbone name used in messages (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() {
            LayersModelImporter.Result result = LayersModelImporter.importModel(name, modelJson, layers, output);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("SavedModel written to %s%n", result.savedModel());
            out.printf(
                    "  signature serving_default: %s [N,%d,%d,%d] float32 -> %s [N,%s]%n",
                    LayersModelImporter.INPUT,
                    result.inputHeight(),
                    result.inputWidth(),
                    result.inputChannels(),
                    LayersModelImporter.OUTPUT,
                    Arrays.toString(result.outputShape()).replaceAll("[\\[\\]]", ""));
            out.printf(
                    "Use it with: --conf %s=%s --conf %s=%s --conf %s=[%d,%d]%n",
                    ConfigKeys.BACKBONE_NAME,
                    name,
                    ConfigKeys.BACKBONE_URI,
                    result.savedModel().toAbsolutePath().toUri(),
                    ConfigKeys.BACKBONE_INPUT_SIZE,
                    result.inputHeight(),
                    result.inputWidth());
            return 0;
        }
    }

    @Command(
            name = "show",
            description = "Load the configured backbone (as a job would) and print its id and embedding size.")
    static final class Show implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PipelineConfig config = common.loadConfig();
            ModelStore store = new ModelStore(
                    config.modelCacheDir(),
                    LakeConnection.external(config.lake()).hadoopConfiguration());
            ModelStore.LocalModel local = store.localize(config.backbone());
            try (Backbone backbone = Backbone.load(config.backbone(), local, Device.cpu())) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("backbone_id    %s%n", backbone.id());
                out.printf("  model        %s (its files)%n", local.modelId());
                if (config.backbone().isBundled()) {
                    out.printf(
                            "  cut layers   %s%n", String.join(", ", ModelStore.bundledCutLayers(config.backbone())));
                }
                out.printf("  spec         %s%n", BackboneId.describe(config.backbone()));
                out.printf(
                        "embedding      %d floats (pooling %s)%n",
                        backbone.dimension(), config.backbone().pooling().name().toLowerCase());
                out.printf(
                        "input          %dx%d RGB, preprocessing %s%n",
                        config.backbone().inputHeight(),
                        config.backbone().inputWidth(),
                        config.backbone().preprocessing().name().toLowerCase());
                out.printf("local copy     %s%n", local.directory());
                return 0;
            }
        }
    }
}
