package org.transferlake.config;

import java.net.URI;
import java.util.List;

/**
 * What the extract job reads.
 *
 * @param roots directories listed recursively for images
 * @param extensions file extensions taken, matched case-insensitively
 * @param labels empty for labels from the folder layout ({@code …/<split>/<label>/file}), else a
 *     CSV file or Delta table with columns {@code path, label[, split]}
 */
public record ExtractConfig(List<URI> roots, List<String> extensions, String labels) {}
