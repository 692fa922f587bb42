package org.transferlake.runs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names each step of a run in the Spark UI (job descriptions) and times it. */
final class Stages {
    private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

    /** The local property that {@link SparkContext#setJobDescription} sets. */
    static final String JOB_DESCRIPTION = "spark.job.description";

    private final SparkContext spark;
    private final String job;
    private final int total;
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private int current;

    Stages(SparkContext spark, String job, int total) {
        this.spark = spark;
        this.job = job;
        this.total = total;
    }

    <T> T run(String name, Supplier<T> step) {
        current++;
        String description = job + " [" + current + "/" + total + "] " + name;
        // Restored afterwards, so a caller's own description (a notebook, a nightly wrapper) survives the step.
        String previous = spark.getLocalProperty(JOB_DESCRIPTION);
        spark.setJobDescription(description);
        LOG.info(description);
        long start = System.nanoTime();
        try {
            return step.get();
        } finally {
            seconds.put(name, (System.nanoTime() - start) / 1e9);
            spark.setJobDescription(previous);
        }
    }

    void run(String name, Runnable step) {
        run(name, () -> {
            step.run();
            return null;
        });
    }

    Map<String, Double> timings() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
}
