package org.transferlake.embed;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.DeviceMode;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.ImageRejectedException;
import org.transferlake.image.RgbImage;
import org.transferlake.source.ImageBytes;

/** What one task runs: the shared backbone, and an iterator that embeds its rows batch by batch. */
final class EmbedPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final BackboneSpec spec;
    private final String backboneId;
    private final String cacheDir;
    private final int batchSize;
    private final DeviceMode device;
    private final long maxPixels;
    private final int inputIndex;
    private final LongAccumulator progress;

    EmbedPartition(
            BackboneSpec spec,
            String backboneId,
            String cacheDir,
            int batchSize,
            DeviceMode device,
            long maxPixels,
            int inputIndex,
            LongAccumulator progress) {
        this.spec = spec;
        this.backboneId = backboneId;
        this.cacheDir = cacheDir;
        this.batchSize = batchSize;
        this.device = device;
        this.maxPixels = maxPixels;
        this.inputIndex = inputIndex;
        this.progress = progress;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows;
        }
        Device chosen = DeviceChoice.forCurrentTask(device);
        Backbone backbone = ExecutorModels.acquire(
                spec, backboneId, ConfigLoader.modelCacheDir(cacheDir), ImageBytes::executorConfiguration, chosen);
        Backbone.Embedder embedder = backbone.newEmbedder(batchSize);
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) context -> embedder.close());
        }
        return new Batches(rows, embedder);
    }

    /** Pulls {@code batchSize} rows at a time, so a partition never sits in memory whole. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Backbone.Embedder embedder;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Batches(Iterator<Row> rows, Backbone.Embedder embedder) {
            this.rows = rows;
            this.embedder = embedder;
        }

        @Override
        public boolean hasNext() {
            if (next < ready.size()) {
                return true;
            }
            ready.clear();
            next = 0;
            if (rows.hasNext()) {
                embedBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(next++);
        }

        private void embedBatch() {
            List<Row> batch = new ArrayList<>(batchSize);
            List<Object[]> results = new ArrayList<>(batchSize);
            int[] slotOf = new int[batchSize];
            while (batch.size() < batchSize && rows.hasNext()) {
                Row row = rows.next();
                Object[] result = new Object[5];
                try {
                    RgbImage image = ImageDecoder.decode((byte[]) row.get(inputIndex), maxPixels);
                    result[1] = image.width();
                    result[2] = image.height();
                    slotOf[batch.size()] = embedder.size();
                    embedder.add(image);
                } catch (ImageRejectedException e) {
                    result[3] = e.reason().name();
                    result[4] = e.getMessage();
                    slotOf[batch.size()] = -1;
                }
                batch.add(row);
                results.add(result);
            }
            float[][] embeddings = embedder.flush();
            for (int i = 0; i < batch.size(); i++) {
                Object[] result = results.get(i);
                if (slotOf[i] >= 0) {
                    result[0] = embeddings[slotOf[i]];
                }
                Row row = batch.get(i);
                Object[] values = new Object[row.length() + result.length];
                for (int c = 0; c < row.length(); c++) {
                    values[c] = row.get(c);
                }
                System.arraycopy(result, 0, values, row.length(), result.length);
                ready.add(RowFactory.create(values));
            }
            if (progress != null) {
                progress.add(batch.size());
            }
        }
    }
}
