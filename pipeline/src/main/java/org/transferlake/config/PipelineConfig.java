package org.transferlake.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration of a run. Built only by {@link ConfigLoader}, so holding one
 * means every key was checked before any Spark work started.
 *
 * @param modelCacheDir local directory where each machine keeps localized backbones
 * @param effective every key with its effective value, secrets masked; sorted by key. This is what
 *     {@code config show} prints and what a run records.
 */
public record PipelineConfig(
        LakeConfig lake,
        SparkConfig spark,
        BackboneSpec backbone,
        Path modelCacheDir,
        EmbedConfig embed,
        ExtractConfig extract,
        HeadsConfig heads,
        RunsConfig runs,
        DemoConfig demo,
        Map<String, String> effective) {

    /** The same configuration with tables under another warehouse root (image roots stay as they are). */
    public PipelineConfig withLakeRoot(java.net.URI root) {
        LakeConfig moved = new LakeConfig(
                lake.endpoint(),
                root,
                lake.region(),
                lake.pathStyleAccess(),
                lake.credentials(),
                lake.embeddedDataDir(),
                lake.embeddedPort());
        Map<String, String> shown = new java.util.TreeMap<>(effective);
        shown.put(ConfigKeys.LAKE_ROOT.name(), root.toString());
        return new PipelineConfig(
                moved,
                spark,
                backbone,
                modelCacheDir,
                embed,
                extract,
                heads,
                runs,
                demo,
                java.util.Collections.unmodifiableMap(shown));
    }

    /** The same configuration reading images from other roots. */
    public PipelineConfig withImageRoots(List<java.net.URI> roots) {
        Map<String, String> shown = new java.util.TreeMap<>(effective);
        shown.put(ConfigKeys.EXTRACT_ROOTS.name(), roots.toString());
        return new PipelineConfig(
                lake,
                spark,
                backbone,
                modelCacheDir,
                embed,
                new ExtractConfig(roots, extract.extensions(), extract.labels()),
                heads,
                runs,
                demo,
                java.util.Collections.unmodifiableMap(shown));
    }

    /** The effective configuration as {@code key = value} lines, secrets masked. */
    public String render() {
        StringBuilder out = new StringBuilder();
        effective.forEach(
                (key, value) -> out.append(key).append(" = ").append(value).append('\n'));
        return out.toString();
    }
}
