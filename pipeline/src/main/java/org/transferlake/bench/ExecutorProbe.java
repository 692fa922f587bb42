package org.transferlake.bench;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/** Asks every executor JVM one question: how many models it loaded, how much memory it peaked at. */
public final class ExecutorProbe {
    /** A question that travels to the executors. */
    public interface Question extends Supplier<String>, Serializable {}

    private ExecutorProbe() {}

    /**
     * Runs {@code question} in every executor JVM (in local mode, the driver's) and returns the
     * answers by executor id. Many tiny tasks, so that every executor runs some.
     */
    public static Map<String, String> ask(SparkSession spark, Question question) {
        int tasks = 8 * spark.sparkContext().defaultParallelism();
        Map<String, String> answers = new TreeMap<>();
        spark.range(0, tasks, 1, tasks)
                .mapPartitions(
                        (MapPartitionsFunction<Long, String>)
                                rows -> List.of(SparkEnv.get().executorId() + "\t" + question.get())
                                        .iterator(),
                        Encoders.STRING())
                .distinct()
                .collectAsList()
                .forEach(answer -> answers.put(
                        answer.substring(0, answer.indexOf('\t')), answer.substring(answer.indexOf('\t') + 1)));
        return answers;
    }
}
