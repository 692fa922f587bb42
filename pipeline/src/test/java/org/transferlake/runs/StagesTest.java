package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class StagesTest {
    private final SparkContext spark = SharedLake.get().spark().sparkContext();

    @AfterEach
    void clear() {
        spark.setJobDescription(null);
    }

    @Test
    void eachStepIsNamedInTheSparkUiAndTheCallersDescriptionComesBack() {
        spark.setJobDescription("nightly 2026-12-01");
        Stages stages = new Stages(spark, "extract", 2);

        String during = stages.run("list images", () -> spark.getLocalProperty(Stages.JOB_DESCRIPTION));
        String second = stages.run("embed", () -> spark.getLocalProperty(Stages.JOB_DESCRIPTION));

        assertThat(during).isEqualTo("extract [1/2] list images");
        assertThat(second).isEqualTo("extract [2/2] embed");
        assertThat(spark.getLocalProperty(Stages.JOB_DESCRIPTION)).isEqualTo("nightly 2026-12-01");
        assertThat(stages.timings()).containsOnlyKeys("list images", "embed");
    }

    @Test
    void aFailedStepIsTimedAndStillRestoresTheDescription() {
        spark.setJobDescription("nightly 2026-12-01");
        Stages stages = new Stages(spark, "train", 1);

        Supplier<Object> failing = () -> {
            throw new IllegalStateException("boom");
        };
        assertThatThrownBy(() -> stages.run("fit", failing)).hasMessage("boom");

        assertThat(spark.getLocalProperty(Stages.JOB_DESCRIPTION)).isEqualTo("nightly 2026-12-01");
        assertThat(stages.timings()).containsOnlyKeys("fit");
    }
}
