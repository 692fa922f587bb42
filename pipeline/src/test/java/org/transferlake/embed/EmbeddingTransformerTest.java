package org.transferlake.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.backbone.Backbone;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.Resizer;
import org.transferlake.image.RgbImage;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class EmbeddingTransformerTest {
    private static final StructType SCHEMA =
            new StructType().add("path", DataTypes.StringType).add("content", DataTypes.BinaryType);
    private static SparkSession spark;
    private static List<byte[]> images;

    @TempDir
    Path dir;

    @BeforeAll
    static void images() throws Exception {
        spark = SharedLake.get().spark();
        images = new ArrayList<>();
        for (String name : List.of(
                "rgb.png", "palette.png", "rgb.jpg", "cmyk.jpg", "rgb.bmp", "two-frames.gif", "exif-rotate-cw.jpg")) {
            images.add(org.transferlake.testing.ImageFixtures.fixture(name));
        }
    }

    /** 14 good images and 2 bad ones, in 3 partitions. */
    private static Dataset<Row> frame() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            rows.add(RowFactory.create("good-" + i, images.get(i % images.size())));
        }
        rows.add(RowFactory.create("empty", new byte[0]));
        rows.add(RowFactory.create("bomb", org.transferlake.testing.PngEncoder.headerOnly(100_000, 100_000)));
        return spark.createDataFrame(rows, SCHEMA).repartition(3);
    }

    private static EmbeddingTransformer transformer() {
        return new EmbeddingTransformer()
                .setBackbone(ConfigLoader.defaults().backbone(), "")
                .setModelCacheDir(Path.of("target/model-cache").toAbsolutePath().toString());
    }

    @Test
    void embeddingsEqualTheBackboneRunDirectlyAndBadImagesGetAReason() throws Exception {
        List<Row> out = transformer().transform(frame()).orderBy("path").collectAsList();

        assertThat(out).hasSize(16);
        assertThat(out).filteredOn(row -> row.getAs("error") == null).hasSize(14);
        BackboneSpec spec = ConfigLoader.defaults().backbone();
        ModelStore store = new ModelStore(Path.of("target/model-cache"), new Configuration());
        try (Backbone backbone = Backbone.load(spec, store.localize(spec), Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            for (Row row : out) {
                String path = row.getAs("path");
                if (path.startsWith("good-")) {
                    byte[] bytes = images.get(Integer.parseInt(path.substring(5)) % images.size());
                    RgbImage image = ImageDecoder.decode(bytes, Long.MAX_VALUE);
                    float[] input = new float[backbone.imageSize()];
                    spec.preprocessing().apply(Resizer.resize(image, 224, 224).rgb(), input, 0);
                    float[] expected = embedder.embed(input, 1)[0];
                    List<Float> actual = row.getList(row.fieldIndex("embedding"));
                    assertThat(actual).hasSize(3392);
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual.get(i)).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4f));
                    }
                    assertThat((Integer) row.getAs("width")).isEqualTo(image.width());
                    assertThat((Integer) row.getAs("height")).isEqualTo(image.height());
                    assertThat((Object) row.getAs("error")).isNull();
                }
            }
        }
        assertThat(out)
                .filteredOn(row -> row.getAs("path").equals("empty"))
                .singleElement()
                .satisfies(row -> {
                    assertThat((String) row.getAs("error")).isEqualTo("EMPTY");
                    assertThat((Object) row.getAs("embedding")).isNull();
                });
        assertThat(out)
                .filteredOn(row -> row.getAs("path").equals("bomb"))
                .singleElement()
                .satisfies(row -> assertThat((String) row.getAs("error_message"))
                        .isEqualTo(
                                "its header declares 100000x100000 = 10000000000 pixels, over the limit of 50000000"));
    }

    @Test
    void batchSizeDoesNotChangeTheResults() {
        List<Row> one =
                transformer().setBatchSize(1).transform(frame()).orderBy("path").collectAsList();
        List<Row> eight =
                transformer().setBatchSize(8).transform(frame()).orderBy("path").collectAsList();
        assertThat(one).hasSize(16);
        assertThat(eight.stream().map(row -> List.of(row.get(0), String.valueOf(row.get(row.fieldIndex("error"))))))
                .as("the same rows, refused for the same reasons")
                .isEqualTo(one.stream()
                        .map(row -> List.of(row.get(0), String.valueOf(row.get(row.fieldIndex("error")))))
                        .toList());
        for (int r = 0; r < one.size(); r++) {
            List<Float> a = one.get(r).getList(one.get(r).fieldIndex("embedding"));
            List<Float> b = eight.get(r).getList(eight.get(r).fieldIndex("embedding"));
            if (a == null) {
                assertThat(b).isNull();
                continue;
            }
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).isCloseTo(a.get(i), org.assertj.core.api.Assertions.within(1e-4f));
            }
        }
    }

    @Test
    void theModelIsLoadedOncePerJvmNotPerTaskOrRun() {
        transformer().transform(frame()).count();
        int loadsAfterFirst = ExecutorModels.loadsInThisJvm();
        assertThat(loadsAfterFirst).isPositive();
        transformer().transform(frame().repartition(6)).count();
        transformer().setBatchSize(3).transform(frame()).count();
        assertThat(ExecutorModels.loadsInThisJvm())
                .as("9 more tasks, 2 more runs")
                .isEqualTo(loadsAfterFirst);
    }

    @Test
    void wrongInputsAreRefusedBeforeAnyTask() {
        Dataset<Row> strings = spark.createDataFrame(
                List.of(RowFactory.create("a", "not bytes")),
                new StructType().add("path", DataTypes.StringType).add("content", DataTypes.StringType));
        assertThatThrownBy(() -> transformer().transform(strings))
                .hasMessage("Cannot embed images: column content has type string, expected binary. "
                        + "Set inputCol to a binary column, such as content from spark.read.format(\"binaryFile\").");
        assertThatThrownBy(() -> transformer().setInputCol("bytes").transformSchema(SCHEMA))
                .hasMessage("Cannot embed images: there is no column bytes (columns: path, content). "
                        + "Set inputCol to the column holding the image bytes.");
        assertThatThrownBy(() -> transformer().setOutputCol("path").transformSchema(SCHEMA))
                .hasMessage(
                        "Cannot embed images: the output column path already exists. Drop it first or choose another output column name.");
    }

    @Test
    void savesLoadsAndComposesInAPipeline() throws Exception {
        // Not the defaults, so a Param that save/load dropped would show.
        BackboneSpec other = new BackboneSpec(
                "vgg16",
                "s3a://models/vgg16/",
                160,
                192,
                org.transferlake.config.Preprocessing.CAFFE,
                "serving_custom",
                "images",
                "pool",
                org.transferlake.config.Pooling.AVG);
        EmbeddingTransformer saved = new EmbeddingTransformer()
                .setBackbone(other, "vgg16@sha256:abc")
                .setBatchSize(4)
                .setDevice("cpu");
        saved.write().overwrite().save(dir.resolve("other").toString());
        EmbeddingTransformer reloaded =
                EmbeddingTransformer.load(dir.resolve("other").toString());
        assertThat(reloaded.uid()).isEqualTo(saved.uid());
        assertThat(reloaded.backboneSpec()).isEqualTo(other);
        assertThat(reloaded.getOrDefault(reloaded.backboneId())).isEqualTo("vgg16@sha256:abc");
        assertThat((Integer) reloaded.getOrDefault(reloaded.batchSize())).isEqualTo(4);
        assertThat(reloaded.getOrDefault(reloaded.device())).isEqualTo("cpu");

        EmbeddingTransformer original = transformer().setBatchSize(4);
        String path = dir.resolve("embedder").toString();
        original.write().overwrite().save(path);
        EmbeddingTransformer loaded = EmbeddingTransformer.load(path);

        SQLTransformer keepGood = new SQLTransformer()
                .setStatement("SELECT path, size(embedding) AS dim FROM __THIS__ WHERE error IS NULL");
        PipelineModel model =
                new Pipeline().setStages(new PipelineStage[] {loaded, keepGood}).fit(frame());
        model.write().overwrite().save(dir.resolve("pipeline").toString());
        List<Row> rows = PipelineModel.load(dir.resolve("pipeline").toString())
                .transform(frame())
                .collectAsList();
        assertThat(rows).hasSize(14).allSatisfy(row -> assertThat(row.getInt(1)).isEqualTo(3392));
    }
}
