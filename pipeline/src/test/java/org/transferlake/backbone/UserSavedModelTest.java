package org.transferlake.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.Pooling;
import org.transferlake.config.Preprocessing;

/**
 * A SavedModel from our exporter with a feature-map output [N,4,4,3] (like include_top=False),
 * loaded the way a user's model is: by URI, through the model store, with pooling.
 */
@Tag("unit")
class UserSavedModelTest {
    @TempDir
    Path dir;

    private Path savedModel;
    private ModelStore store;

    @BeforeEach
    void exportFeatureMapModel() throws IOException {
        Path modelJson = LayersModelImporterTest.functionalModel(dir.resolve("tfjs"));
        savedModel = LayersModelImporter.importModel("fmap", modelJson, List.of("conv"), dir.resolve("user-model"))
                .savedModel();
        store = new ModelStore(dir.resolve("cache"), new Configuration());
    }

    private static double[] pooled(boolean max) {
        double[][][] conv = LayersModelImporterTest.convReference(LayersModelImporterTest.input());
        double[] out = new double[3];
        java.util.Arrays.fill(out, max ? Double.NEGATIVE_INFINITY : 0);
        for (double[][] row : conv) {
            for (double[] pixel : row) {
                for (int k = 0; k < 3; k++) {
                    out[k] = max ? Math.max(out[k], pixel[k]) : out[k] + pixel[k] / 16;
                }
            }
        }
        return out;
    }

    private float[] embedOne(BackboneSpec spec) {
        return LayersModelImporterTest.embed(spec, store, LayersModelImporterTest.input(), 1)[0];
    }

    @Test
    void avgAndMaxPoolTheFeatureMapPerChannel() {
        float[] avg = embedOne(LayersModelImporterTest.spec("fmap", savedModel, Pooling.AVG));
        float[] max = embedOne(LayersModelImporterTest.spec("fmap", savedModel, Pooling.MAX));
        float[] none = embedOne(LayersModelImporterTest.spec("fmap", savedModel, Pooling.NONE));

        double[] expectedAvg = pooled(false);
        double[] expectedMax = pooled(true);
        for (int k = 0; k < 3; k++) {
            assertThat(avg[k]).isCloseTo((float) expectedAvg[k], within(1e-5f));
            assertThat(max[k]).isCloseTo((float) expectedMax[k], within(1e-5f));
        }
        assertThat(none).as("no pooling: the flattened map").hasSize(4 * 4 * 3);
    }

    @Test
    void archivesLoadLikeDirectoriesWithTheirOwnDigest() throws Exception {
        Path tarGz = dir.resolve("fmap.tar.gz");
        Process tar = new ProcessBuilder(
                        "tar",
                        "czf",
                        tarGz.toString(),
                        "-C",
                        savedModel.getParent().toString(),
                        savedModel.getFileName().toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor()).isZero();

        BackboneSpec fromDir = LayersModelImporterTest.spec("fmap", savedModel, Pooling.AVG);
        BackboneSpec fromArchive = LayersModelImporterTest.spec("fmap", tarGz, Pooling.AVG);
        ModelStore.LocalModel dirModel = store.localize(fromDir);
        ModelStore.LocalModel archiveModel = store.localize(fromArchive);

        assertThat(dirModel.modelId()).matches("fmap@sha256:[0-9a-f]{64}");
        assertThat(archiveModel.modelId()).matches("fmap@sha256:[0-9a-f]{64}").isNotEqualTo(dirModel.modelId());
        assertThat(archiveModel.directory()).isNotEqualTo(savedModel);
        assertThat(embedOne(fromArchive)).containsExactly(embedOne(fromDir));
    }

    @Test
    void anExecutorReusesItsCachedCopyWithoutReadingTheSourceAgain() throws IOException {
        BackboneSpec spec = LayersModelImporterTest.spec("fmap", savedModel, Pooling.AVG);
        ModelStore.LocalModel first = store.localize(spec);
        deleteTree(savedModel);

        ModelStore.LocalModel again = store.localize(spec, Optional.of(first.modelId()));

        assertThat(again).isEqualTo(first);
        assertThat(again.directory().resolve("saved_model.pb")).isRegularFile();
    }

    @Test
    void aChangedSourceFailsTheDigestCheck() throws IOException {
        BackboneSpec spec = LayersModelImporterTest.spec("fmap", savedModel, Pooling.AVG);
        String stale = "fmap@sha256:" + "ab".repeat(32);

        assertThatThrownBy(() -> store.localize(spec, Optional.of(stale)))
                .hasMessageStartingWith("Cannot load backbone fmap: its content is sha256:")
                .hasMessageEndingWith(" but this run started with sha256:abababababab…. The model at " + spec.uri()
                        + " changed during the run; re-run the job.");
    }

    @Test
    void aDirectoryWithoutSavedModelIsRefused() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("not-a-model"));
        Files.writeString(empty.resolve("README"), "nothing here");
        BackboneSpec spec = LayersModelImporterTest.spec("fmap", empty, Pooling.AVG);

        assertThatThrownBy(() -> store.localize(spec))
                .hasMessage(
                        "Cannot load backbone fmap: " + spec.uri()
                                + " holds no saved_model.pb. Point backbone.uri at a TensorFlow "
                                + "SavedModel (e.g. from model.save() in Keras), or import a TF.js model with 'transferlake backbone import'.");
    }

    @Test
    void aMissingUriIsRefused() {
        BackboneSpec spec = LayersModelImporterTest.spec("fmap", dir.resolve("nowhere"), Pooling.AVG);
        assertThatThrownBy(() -> store.localize(spec))
                .hasMessage("Cannot load backbone fmap: " + spec.uri() + " does not exist. "
                        + "Point backbone.uri at a SavedModel directory or a .zip/.tar.gz of one.");
    }

    @Test
    void aWrongInputSizeIsRefusedBeforeAnyWork() {
        BackboneSpec spec = new BackboneSpec(
                "fmap",
                savedModel.toUri().toString(),
                224,
                224,
                Preprocessing.UNIT,
                "serving_default",
                "",
                "",
                Pooling.AVG);
        assertThatThrownBy(() -> Backbone.load(spec, store.localize(spec), Device.cpu()))
                .hasMessage(
                        "Cannot load backbone fmap: its input has shape [-1, 4, 4, 3] but backbone.input-size is [224, 224] "
                                + "with 3 channels (NHWC). Set backbone.input-size to the model's input size.");
    }

    @Test
    void aMissingSignatureIsRefused() {
        BackboneSpec spec = new BackboneSpec(
                "fmap",
                savedModel.toUri().toString(),
                4,
                4,
                Preprocessing.UNIT,
                "no_such_signature",
                "",
                "",
                Pooling.AVG);
        assertThatThrownBy(() -> Backbone.load(spec, store.localize(spec), Device.cpu()))
                .hasMessage(
                        "Cannot load backbone fmap: the SavedModel has no signature no_such_signature (it has [serving_default]). "
                                + "Set backbone.signature to one of those.");
    }

    @Test
    void aWrongOutputNameListsTheRealOnes() {
        BackboneSpec spec = new BackboneSpec(
                "fmap",
                savedModel.toUri().toString(),
                4,
                4,
                Preprocessing.UNIT,
                "serving_default",
                "",
                "logits",
                Pooling.AVG);
        assertThatThrownBy(() -> Backbone.load(spec, store.localize(spec), Device.cpu()))
                .hasMessage(
                        "Cannot load backbone fmap: signature serving_default has no output logits (it has [embedding]). "
                                + "Set backbone.output-name to one of those, or leave it empty.");
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
