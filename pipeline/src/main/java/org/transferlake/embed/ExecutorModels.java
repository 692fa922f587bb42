package org.transferlake.embed;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.backbone.Backbone;
import org.transferlake.backbone.BackboneId;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.BackboneSpec;

/**
 * The models of this JVM (an executor, or the driver in local mode): each backbone is loaded once
 * per device, under a lock, shared by every task that runs here, and closed when the JVM exits.
 */
public final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, Backbone> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "transferlake-models-close"));
    }

    private ExecutorModels() {}

    /**
     * The shared backbone, loading it on first use in this JVM.
     *
     * @param expectedId the id the driver computed; a local copy must have exactly this content
     * @param hadoop the file system settings, built only when a load is needed (it parses XML)
     */
    public static Backbone acquire(
            BackboneSpec spec, String expectedId, Path cacheDir, Supplier<Configuration> hadoop, Device device) {
        return loadOnce(
                spec,
                expectedId,
                device,
                () -> new ModelStore(cacheDir, hadoop.get())
                        .localize(spec, Optional.of(BackboneId.modelId(expectedId))));
    }

    /** The backbone {@code id} on {@code device}, loaded from {@code localize} when this JVM has none yet. */
    private static Backbone loadOnce(
            BackboneSpec spec, String id, Device device, Supplier<ModelStore.LocalModel> localize) {
        String key = id + "|" + device;
        Backbone loaded = MODELS.get(key);
        if (loaded != null) {
            return loaded;
        }
        synchronized (ExecutorModels.class) {
            return MODELS.computeIfAbsent(key, ignored -> {
                long start = System.nanoTime();
                Backbone backbone = Backbone.load(spec, localize.get(), device);
                int loads = LOADS.incrementAndGet();
                LOG.info(
                        "Loaded backbone {} on {} in {} ms (load #{} in this JVM)",
                        id,
                        device,
                        (System.nanoTime() - start) / 1_000_000,
                        loads);
                return backbone;
            });
        }
    }

    /**
     * Localizes and loads the backbone on the driver, so a model that cannot load fails before any
     * Spark job, and returns its id. In local mode the driver is the executor: the model stays loaded
     * for the tasks rather than being loaded twice.
     */
    public static String resolveOnDriver(SparkContext spark, BackboneSpec spec, Path cacheDir) {
        Configuration hadoop = spark.hadoopConfiguration();
        if (!spark.isLocal()) {
            return Backbone.resolveId(spec, cacheDir, hadoop);
        }
        ModelStore.LocalModel local = new ModelStore(cacheDir, hadoop).localize(spec);
        String id = BackboneId.of(local.modelId(), spec);
        loadOnce(spec, id, Device.cpu(), () -> local);
        return id;
    }

    /** How many times a backbone was loaded in this JVM: one per backbone and device, whatever the task count. */
    public static int loadsInThisJvm() {
        return LOADS.get();
    }

    static synchronized void closeAll() {
        MODELS.values().forEach(Backbone::close);
        MODELS.clear();
    }
}
