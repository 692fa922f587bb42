package org.transferlake.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.transferlake.config.Errors;
import org.transferlake.lake.Lake;
import org.transferlake.runs.Progress;
import org.transferlake.source.ImageBytes;

/**
 * Many small, distinct PNGs for {@code bench scale}: {@code count} images under
 * {@code <root>s<shard>/<index>.png}, {@code shards} directories of equal size, written by Spark tasks
 * (a task per shard, several uploads at once, since each object is a round trip). A shard ends with a
 * {@code _DONE} marker, which the listing skips: a later run writes only the shards not marked, so
 * an interrupted generation resumes.
 */
final class ScaleImages {
    static final String DONE_MARKER = "_DONE";
    private static final int SIDE = 32;
    private static final int UPLOADS_PER_TASK = 8;

    private ScaleImages() {}

    /** The root of shard {@code shard} under {@code root}. */
    static URI shard(URI root, int shard) {
        return root.resolve(String.format("s%03d/", shard));
    }

    /**
     * Writes the shards not yet marked done, images {@code firstIndex} to {@code firstIndex + count - 1}
     * (sets meant to be distinct from each other take distinct ranges); returns how many it wrote.
     */
    static long ensure(SparkSession spark, URI root, long firstIndex, long count, int shards) {
        FileSystem fs = Lake.fileSystem(spark, root);
        List<Integer> missing = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            URI marker = shard(root, shard).resolve(DONE_MARKER);
            try {
                if (!fs.exists(new Path(marker))) {
                    missing.add(shard);
                }
            } catch (IOException e) {
                throw Errors.benchImagesUnreachable(marker, e);
            }
        }
        long perShard = count / shards;
        long toWrite = perShard * missing.size();
        if (missing.isEmpty()) {
            return 0;
        }
        LongAccumulator written = spark.sparkContext().longAccumulator("bench: scale images written");
        String rootText = root.toString();
        spark.sparkContext().setJobDescription("bench scale: write " + toWrite + " images under " + root);
        try {
            Progress.follow("bench images", toWrite, System.err, written::value, () -> {
                spark.createDataset(missing, Encoders.INT())
                        .repartition(missing.size())
                        .foreach((ForeachFunction<Integer>) shard -> {
                            writeShard(URI.create(rootText), shard, firstIndex + shard * perShard, perShard);
                            // Once per shard: an accumulator is not for several threads, and reaches the
                            // driver only when the task ends anyway.
                            written.add(perShard);
                        });
                return null;
            });
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
        return toWrite;
    }

    private static void writeShard(URI root, int shard, long first, long perShard) throws Exception {
        Configuration hadoop = ImageBytes.executorConfiguration();
        // Only files go into directories nothing marks: no parent markers to delete after each upload (a
        // request per object otherwise).
        hadoop.set("fs.s3a.directory.marker.retention", "keep");
        URI shardRoot = shard(root, shard);
        FileSystem fs = FileSystem.newInstance(shardRoot, hadoop);
        ExecutorService uploads = Executors.newFixedThreadPool(UPLOADS_PER_TASK);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (long index = first; index < first + perShard; index++) {
                long image = index;
                pending.add(uploads.submit(() -> {
                    write(fs, new Path(shardRoot.resolve(String.format("%09d.png", image))), png(image));
                    return null;
                }));
            }
            for (Future<?> upload : pending) {
                upload.get();
            }
            // Only after every image: a marked shard is whole.
            write(fs, new Path(shardRoot.resolve(DONE_MARKER)), new byte[0]);
        } finally {
            uploads.shutdownNow();
            fs.close();
        }
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    /** A {@value #SIDE}×{@value #SIDE} RGB PNG of noise seeded by {@code index}: distinct bytes per image. */
    static byte[] png(long index) throws IOException {
        SplittableRandom random = new SplittableRandom(index);
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
