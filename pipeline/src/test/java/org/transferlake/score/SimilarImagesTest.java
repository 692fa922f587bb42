package org.transferlake.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.testing.SharedLake;

/** Top-k by cosine against hand-worked angles, in one backbone's rows only. */
@Tag("spark")
class SimilarImagesTest {
    private static SparkSession spark;
    private static Tables tables;

    @BeforeAll
    static void aSmallFeatureSpace() {
        spark = SharedLake.get().spark();
        tables = new Tables(spark, SharedLake.freshRoot(SimilarImagesTest.class));
        tables.append(
                LakeTable.FEATURES,
                spark.createDataFrame(
                                List.of(
                                        feature("q.png", "b1", "cat", 1f, 0f),
                                        feature("same-direction.png", "b1", "cat", 3f, 0f),
                                        feature("at-45-degrees.png", "b1", null, 1f, 1f),
                                        feature("also-45.png", "b1", "dog", 2f, 2f),
                                        feature("orthogonal.png", "b1", "dog", 0f, 1f),
                                        feature("opposite.png", "b1", "dog", -1f, 0f),
                                        feature("zero.png", "b1", "dog", 0f, 0f),
                                        feature("other-space.png", "b2", "cat", 1f, 0f)),
                                LakeTable.FEATURES.schema())
                        .repartition(3));
    }

    private static Row feature(String name, String backbone, String label, float x, float y) {
        return RowFactory.create(
                "s3a://x/" + name, backbone, "h-" + name, 1L, null, 2, 2, label, null, List.of(x, y), 2, "r", null);
    }

    @Test
    void theMostSimilarComeFirstTiesByPathWithoutTheQueryOrAnotherBackbone() {
        List<SimilarImages.Match> matches = SimilarImages.topK(tables, "b1", "s3a://x/q.png", 4);

        assertThat(matches.stream().map(SimilarImages.Match::path))
                .containsExactly(
                        "s3a://x/same-direction.png",
                        "s3a://x/also-45.png",
                        "s3a://x/at-45-degrees.png",
                        "s3a://x/orthogonal.png");
        assertThat(matches.get(0).similarity()).isCloseTo(1.0, within(1e-9));
        assertThat(matches.get(1).similarity()).isCloseTo(Math.sqrt(0.5), within(1e-9));
        assertThat(matches.get(2).label()).isNull();
        assertThat(matches.get(3).similarity()).isEqualTo(0.0);
        // A zero embedding has no direction: never a match.
        assertThat(SimilarImages.topK(tables, "b1", "s3a://x/q.png", 100)).hasSize(5);
    }

    @Test
    void theTableIsNeverSortedOnlyTheBestPerPartitionAreKept() {
        String plan = SimilarImages.query(tables.read(LakeTable.FEATURES), "s3a://x/q.png", new float[] {1f, 0f}, 3)
                .queryExecution()
                .executedPlan()
                .toString();

        assertThat(plan).contains("TakeOrderedAndProject(limit=3").doesNotContain("Sort [");
    }

    @Test
    void aPathWithoutAnEmbeddingAndAnOutOfRangeKAreRefused() {
        assertThatThrownBy(() -> SimilarImages.topK(tables, "b2", "s3a://x/q.png", 3))
                .hasMessage("Cannot find images similar to s3a://x/q.png: it has no embedding under b2. Run extract"
                        + " over it first, or check the path: SELECT path FROM transferlake.features_current.");
        assertThatThrownBy(() -> SimilarImages.topK(tables, "b1", "s3a://x/q.png", 0))
                .hasMessage("Cannot find similar images: -k is 0; it must be between 1 and 10000. Pass a k in that"
                        + " range.");
    }
}
