package org.transferlake.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.BundledBackbone;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;

/**
 * Brings a backbone's SavedModel into a local cache directory, named by its content:
 * {@code <name>@sha256:<digest>}. A copy is made in a temporary directory, its digest checked, and
 * only then renamed into place, so a partial download is never loaded; later calls on the same
 * machine reuse it. The bundled backbone is imported from its TF.js files on first use.
 */
public final class ModelStore {
    /** Bump when the importer's output changes, so cached imports are rebuilt. */
    static final String IMPORTER_VERSION = "2";

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);

    private final Path cacheDir;
    private final Configuration hadoop;

    /** A SavedModel ready to load, and the id that names its content: {@code <name>@sha256:<digest>}. */
    public record LocalModel(String modelId, Path directory) {}

    public ModelStore(Path cacheDir, Configuration hadoop) {
        this.cacheDir = cacheDir.toAbsolutePath();
        this.hadoop = hadoop;
    }

    /** Localizes the backbone and computes its model id (on the driver, before any Spark job). */
    public LocalModel localize(BackboneSpec spec) {
        return localize(spec, Optional.empty());
    }

    /**
     * Localizes the backbone; with {@code expectedId} (a model id, see {@link BackboneId#modelId}),
     * reuses a cached copy of exactly that content or fails when the source no longer matches it
     * (on executors).
     */
    public LocalModel localize(BackboneSpec spec, Optional<String> expectedId) {
        if (expectedId.isPresent()) {
            Path cached = cacheDir.resolve(directoryName(expectedId.get()));
            if (Files.isRegularFile(cached.resolve("saved_model.pb"))) {
                return new LocalModel(expectedId.get(), cached);
            }
        }
        try {
            Files.createDirectories(cacheDir);
            LocalModel local = spec.isBundled() ? importBundled(spec) : copyRemote(spec);
            if (expectedId.isPresent() && !expectedId.get().equals(local.modelId())) {
                throw Errors.backboneChangedDuringRun(spec, digestOf(local.modelId()), digestOf(expectedId.get()));
            }
            return local;
        } catch (IOException e) {
            throw Errors.backboneCopyFailed(spec, cacheDir, e);
        }
    }

    /**
     * The backbone's id ({@link BackboneId}) without loading it, so training and scoring stored
     * features need no TensorFlow: its model part is, for a bundled backbone, the digest of its files
     * in the jar; otherwise the digest of its localized copy (copied into the cache once, as a job
     * would).
     */
    public String identify(BackboneSpec spec) {
        if (!spec.isBundled()) {
            return BackboneId.of(localize(spec).modelId(), spec);
        }
        try {
            return BackboneId.of(bundledId(spec, bundledCutLayers(spec)), spec);
        } catch (IOException e) {
            throw Errors.bundledBackboneUnreadable(spec, e);
        }
    }

    /** {@link #identify} of the configured backbone, with the configured model cache. */
    public static String configuredBackboneId(PipelineConfig config, Configuration hadoop) {
        return new ModelStore(config.modelCacheDir(), hadoop).identify(config.backbone());
    }

    /** The configured cut, else the bundled backbone's default. */
    public static List<String> bundledCutLayers(BackboneSpec spec) {
        return spec.cutLayers().isEmpty() ? bundled(spec).defaultCut() : spec.cutLayers();
    }

    private static BundledBackbone bundled(BackboneSpec spec) {
        return BundledBackbone.of(spec)
                .orElseThrow(() ->
                        Errors.noSuchBundledBackbone(spec, spec.uri().substring(BackboneSpec.BUNDLED_SCHEME.length())));
    }

    private static String bundledId(BackboneSpec spec, List<String> cutLayers) throws IOException {
        MessageDigest digest = Digests.sha256();
        for (String file : new String[] {"model.json", "weights.bin"}) {
            try (InputStream in = resource(bundled(spec).resources() + file)) {
                Digests.update(digest, file, in);
            }
        }
        digest.update(("cut=" + String.join(",", cutLayers) + ";importer=" + IMPORTER_VERSION)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return spec.name() + "@sha256:" + Digests.hex(digest);
    }

    private LocalModel importBundled(BackboneSpec spec) throws IOException {
        List<String> cutLayers = bundledCutLayers(spec);
        String resources = bundled(spec).resources();
        String id = bundledId(spec, cutLayers);
        Path target = cacheDir.resolve(directoryName(id));
        if (Files.isRegularFile(target.resolve("saved_model.pb"))) {
            return new LocalModel(id, target);
        }
        Path work = Files.createTempDirectory(cacheDir, ".import-");
        try {
            for (String file : new String[] {"model.json", "weights.bin"}) {
                try (InputStream in = resource(resources + file)) {
                    Files.copy(in, work.resolve(file));
                }
            }
            long start = System.nanoTime();
            LayersModelImporter.importModel(spec.name(), work.resolve("model.json"), cutLayers, work.resolve("model"));
            LOG.info("Imported bundled backbone {} in {} ms", id, (System.nanoTime() - start) / 1_000_000);
            return new LocalModel(id, publish(work.resolve("model"), target));
        } finally {
            deleteTree(work);
        }
    }

    private LocalModel copyRemote(BackboneSpec spec) throws IOException {
        org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(spec.uri());
        FileSystem fs = source.getFileSystem(hadoop);
        if (!fs.exists(source)) {
            throw Errors.backboneSourceMissing(spec);
        }
        Path work = Files.createTempDirectory(cacheDir, ".download-");
        try {
            Path model = work.resolve("model");
            String digest;
            if (fs.getFileStatus(source).isDirectory()) {
                fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(model.toUri()), true);
                digest = Digests.ofTree(model);
            } else {
                String fileName = source.getName();
                Path archive = work.resolve(fileName);
                fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(archive.toUri()), true);
                digest = Digests.ofFile(archive);
                extract(spec, archive, model);
            }
            Path savedModel = savedModelRoot(spec, model);
            String id = spec.name() + "@sha256:" + digest;
            Path target = cacheDir.resolve(directoryName(id));
            if (Files.isRegularFile(target.resolve("saved_model.pb"))) {
                return new LocalModel(id, target);
            }
            return new LocalModel(id, publish(savedModel, target));
        } finally {
            deleteTree(work);
        }
    }

    private static void extract(BackboneSpec spec, Path archive, Path into) throws IOException {
        String fileName = archive.getFileName().toString();
        Files.createDirectories(into);
        if (fileName.endsWith(".zip")) {
            FileUtil.unZip(archive.toFile(), into.toFile());
        } else if (fileName.endsWith(".tar.gz") || fileName.endsWith(".tgz") || fileName.endsWith(".tar")) {
            FileUtil.unTar(archive.toFile(), into.toFile());
        } else {
            throw Errors.backboneArchiveUnsupported(spec);
        }
    }

    /** The directory holding saved_model.pb: the root or its single sub-directory. */
    private static Path savedModelRoot(BackboneSpec spec, Path model) throws IOException {
        if (Files.isRegularFile(model.resolve("saved_model.pb"))) {
            return model;
        }
        try (Stream<Path> found = Files.walk(model, 2)) {
            return found.filter(path -> path.getFileName().toString().equals("saved_model.pb"))
                    .map(Path::getParent)
                    .findFirst()
                    .orElseThrow(() -> Errors.noSavedModelPb(spec));
        }
    }

    /** Atomic rename into the cache; if another process got there first, its identical copy wins. */
    private static Path publish(Path ready, Path target) throws IOException {
        try {
            Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
            LOG.debug("{} was published concurrently", target);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the cache directory does not support atomic renames", e);
        }
        return target;
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = ModelStore.class.getResourceAsStream(path);
        if (in == null) {
            throw new IOException("resource " + path + " is missing from the jar");
        }
        return in;
    }

    /** {@code name@sha256:hex} as a directory name that every file system accepts. */
    static String directoryName(String backboneId) {
        return backboneId.replace(':', '-').replace('/', '_');
    }

    private static String digestOf(String backboneId) {
        String digest = backboneId.substring(backboneId.indexOf('@') + 1);
        return digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }
}
