package org.transferlake.backbone;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Errors;

/**
 * Makes TensorFlow usable offline in this JVM, before the first DJL call: the natives shipped in
 * {@code tensorflow-core-native} are unpacked by JavaCPP (once per machine, into its cache) and
 * DJL is pointed at them, so DJL never tries to download its own. Idempotent and thread-safe;
 * every JVM (driver and executors) calls it through {@link #ensureLoaded()}.
 */
public final class NativeTensorFlow {
    private static final Logger LOG = LoggerFactory.getLogger(NativeTensorFlow.class);
    private static Path libraryDir;

    private NativeTensorFlow() {}

    /** Loads the natives if needed and returns the directory that holds them. */
    public static synchronized Path ensureLoaded() {
        if (libraryDir != null) {
            return libraryDir;
        }
        // DJL reads these as system properties too: no model-zoo or engine downloads, no usage pings.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        long start = System.nanoTime();
        String loaded;
        try {
            loaded = Loader.load(org.tensorflow.internal.c_api.global.tensorflow.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw Errors.tensorFlowNativesNotLoaded(Loader.getPlatform(), cacheDir(), e);
        }
        Path jni = loaded == null ? null : Path.of(loaded);
        if (jni == null || !Files.isRegularFile(jni)) {
            throw Errors.tensorFlowLibraryMissing(loaded);
        }
        libraryDir = jni.getParent();
        System.setProperty("TENSORFLOW_LIBRARY_PATH", libraryDir.toString());
        LOG.info(
                "TensorFlow natives loaded from {} in {} ms (oneDNN opts: {})",
                libraryDir,
                (System.nanoTime() - start) / 1_000_000,
                System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "TensorFlow's default"));
        return libraryDir;
    }

    private static String cacheDir() {
        try {
            return Loader.getCacheDir().toString();
        } catch (java.io.IOException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
