package org.transferlake.backbone;

import ai.djl.Device;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;

/** Run in a child JVM whose network is cut: loads and runs the bundled backbone, prints what happened. */
public final class OfflineProbe {
    private OfflineProbe() {}

    public static void main(String[] args) throws Exception {
        boolean blocked;
        try (var in = java.net
                .URI
                .create("https://publish.djl.ai/tensorflow-2.16.1/files.txt")
                .toURL()
                .openStream()) {
            blocked = false;
        } catch (java.io.IOException expected) {
            blocked = true;
        }
        System.out.println("network blocked: " + blocked);
        BackboneSpec spec = ConfigLoader.defaults().backbone();
        ModelStore store = new ModelStore(Path.of(args[0]), new Configuration());
        try (Backbone backbone = Backbone.load(spec, store.localize(spec), Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            float[][] out = embedder.embed(new float[2 * backbone.imageSize()], 2);
            System.out.println("embedded " + out.length + " images of dimension " + out[0].length);
        }
    }
}
