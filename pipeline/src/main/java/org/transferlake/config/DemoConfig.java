package org.transferlake.config;

import java.nio.file.Path;

/**
 * The demo data set: Fashion-MNIST written into the lake as PNG files.
 *
 * @param datasetDir where the Debian package {@code dataset-fashion-mnist} keeps its IDX files
 */
public record DemoConfig(Path datasetDir, int trainPerClass, int testPerClass, long seed) {}
