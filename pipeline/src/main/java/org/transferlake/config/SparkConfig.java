package org.transferlake.config;

/**
 * Spark settings the tool chooses when the launcher did not.
 *
 * @param master used only when {@code spark.master} is not already set (e.g. by spark-submit)
 */
public record SparkConfig(String master, String appName) {}
