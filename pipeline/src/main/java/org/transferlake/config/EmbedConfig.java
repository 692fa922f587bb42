package org.transferlake.config;

/**
 * How the embedding stage runs on executors.
 *
 * @param batchSize images per backbone call; a partition streams through in batches of this size
 * @param maxPixels images whose header declares more pixels are refused before decoding
 * @param imagesPerTask about how many images an extract gives each embedding task
 */
public record EmbedConfig(int batchSize, DeviceMode device, long maxPixels, int imagesPerTask) {}
