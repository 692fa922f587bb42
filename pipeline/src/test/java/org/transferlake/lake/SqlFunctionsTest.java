package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** The SQL functions, called through SQL, against Spark ML's linear algebra and hand-worked cases. */
@Tag("spark")
class SqlFunctionsTest {
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    private static Row one(String sql) {
        return spark.sql(sql).collectAsList().get(0);
    }

    @Test
    void handWorkedCosines() {
        Row row = one("SELECT cosine_similarity(array(1f, 0f), array(0f, 1f)),"
                + " cosine_similarity(array(1f, 2f), array(2f, 4f)),"
                + " cosine_similarity(array(1f, 0f), array(-3f, 0f)),"
                + " cosine_similarity(array(1f, 1f), array(1f, 0f)),"
                + " cosine_similarity(array(0f, 0f), array(1f, 0f)),"
                + " cosine_similarity(array(1f, CAST(NULL AS FLOAT)), array(1f, 0f)),"
                + " cosine_similarity(CAST(NULL AS ARRAY<FLOAT>), array(1f, 0f))");

        assertThat(row.getDouble(0)).isEqualTo(0.0);
        assertThat(row.getDouble(1)).isCloseTo(1.0, within(1e-12));
        assertThat(row.getDouble(2)).isCloseTo(-1.0, within(1e-12));
        assertThat(row.getDouble(3)).isCloseTo(Math.sqrt(0.5), within(1e-12));
        assertThat(row.isNullAt(4)).as("a zero vector has no direction").isTrue();
        assertThat(row.isNullAt(5)).isTrue();
        assertThat(row.isNullAt(6)).isTrue();
    }

    @Test
    void cosinesAndNormsAgreeWithSparkMlOnRandomEmbeddings() {
        Random random = new Random(7);
        for (int trial = 0; trial < 5; trial++) {
            float[] a = new float[1280];
            float[] b = new float[1280];
            for (int i = 0; i < a.length; i++) {
                // Non-negative and sparse, like ReLU6 features.
                a[i] = random.nextFloat() < 0.66 ? 0 : 6 * random.nextFloat();
                b[i] = random.nextFloat() < 0.66 ? 0 : 6 * random.nextFloat();
            }
            Vector va = Vectors.dense(toDoubles(a));
            Vector vb = Vectors.dense(toDoubles(b));
            double expected = va.dot(vb) / (Vectors.norm(va, 2) * Vectors.norm(vb, 2));

            Row row = spark.createDataFrame(
                            List.of(org.apache.spark.sql.RowFactory.create(boxed(a), boxed(b))),
                            org.apache.spark.sql.types.StructType.fromDDL("a ARRAY<FLOAT>, b ARRAY<FLOAT>"))
                    .selectExpr("cosine_similarity(a, b)", "l2_normalize(a)")
                    .collectAsList()
                    .get(0);

            assertThat(row.getDouble(0)).isCloseTo(expected, within(1e-9));
            List<Float> normalized = row.getList(1);
            double norm = Vectors.norm(va, 2);
            for (int i = 0; i < a.length; i++) {
                assertThat((double) normalized.get(i)).isCloseTo(a[i] / norm, within(1e-6));
            }
        }
    }

    @Test
    void l2NormalizeScalesToLengthOneAndLeavesZeroAlone() {
        Row row = one("SELECT l2_normalize(array(3f, 4f)), l2_normalize(array(0f, 0f)),"
                + " aggregate(zip_with(l2_normalize(array(1f, 2f)), l2_normalize(array(2f, 1f)), (x, y) -> x * y),"
                + " 0d, (s, p) -> s + p)");

        assertThat(row.<Float>getList(0)).containsExactly(0.6f, 0.8f);
        assertThat(row.<Float>getList(1)).containsExactly(0f, 0f);
        assertThat(row.getDouble(2)).as("dot of normalized = cosine").isCloseTo(0.8, within(1e-6));
    }

    @Test
    void embeddingsOfTwoFeatureSpacesAreRefused() {
        assertThatThrownBy(() -> one("SELECT cosine_similarity(array(1f, 2f), array(1f, 2f, 3f))"))
                .satisfies(e -> assertThat(org.transferlake.config.TransferlakeException.within(e))
                        .get()
                        .hasFieldOrPropertyWithValue(
                                "message",
                                "Cannot compute cosine_similarity: the arrays have 2 and 3 elements. Compare"
                                        + " embeddings of one backbone_id (transferlake.features_current holds one)."));
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new java.util.ArrayList<>();
        for (float value : values) {
            list.add(value);
        }
        return list;
    }
}
