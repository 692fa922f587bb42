package org.transferlake.source;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.transferlake.config.Errors;

/**
 * Image bytes read inside the tasks that use them: each task opens its own rows' paths through the
 * Hadoop file system (no path list on the driver, no second listing), hashes them as they stream in,
 * and reads ahead on a helper thread, so that the object store's latency hides behind whatever
 * consumes the rows (the backbone, in the same task).
 */
public final class ImageBytes {
    private ImageBytes() {}

    /** The Hadoop configuration of this executor: the application's {@code spark.hadoop.*} settings. */
    public static Configuration executorConfiguration() {
        return SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf());
    }

    /** Files to read ahead of a backbone with this batch size: two batches, but never more than 128 images. */
    public static int readAhead(int batchSize) {
        return Math.min(2 * batchSize, 128);
    }

    /**
     * {@code files} (with the listing's {@code path} and {@code size} columns) plus {@code content} (the bytes) and
     * {@code content_sha256} (lower-case hex, as Spark's {@code sha2(content, 256)}), reading up to
     * {@code readAhead} files ahead of the consumer in each task.
     */
    public static Dataset<Row> readHashed(Dataset<Row> files, int readAhead) {
        StructType schema = files.schema()
                .add("content", DataTypes.BinaryType, false)
                .add("content_sha256", DataTypes.StringType, false);
        return files.mapPartitions(
                new ReadAhead(files.schema().fieldIndex("path"), files.schema().fieldIndex("size"), readAhead),
                Encoders.row(schema));
    }

    private static final class ReadAhead implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final int pathIndex;
        private final int sizeIndex;
        private final int readAhead;

        ReadAhead(int pathIndex, int sizeIndex, int readAhead) {
            this.pathIndex = pathIndex;
            this.sizeIndex = sizeIndex;
            this.readAhead = readAhead;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return rows;
            }
            Configuration hadoop = executorConfiguration();
            ExecutorService reader = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "transferlake-read-ahead");
                thread.setDaemon(true);
                return thread;
            });
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener(
                        (org.apache.spark.util.TaskCompletionListener) context -> reader.shutdownNow());
            }
            return new Iterator<>() {
                private final ArrayDeque<CompletableFuture<Row>> pending = new ArrayDeque<>();

                private void fill() {
                    while (pending.size() < readAhead && rows.hasNext()) {
                        Row row = rows.next();
                        pending.add(CompletableFuture.supplyAsync(() -> withBytes(row, hadoop), reader));
                    }
                }

                @Override
                public boolean hasNext() {
                    fill();
                    boolean more = !pending.isEmpty();
                    if (!more) {
                        reader.shutdown();
                    }
                    return more;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    try {
                        Row row = pending.poll().get();
                        fill();
                        return row;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("Interrupted while reading images", e);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof Error error) {
                            throw error;
                        }
                        throw e.getCause() instanceof RuntimeException runtime
                                ? runtime
                                : new IllegalStateException(e.getCause());
                    }
                }
            };
        }

        private Row withBytes(Row row, Configuration hadoop) {
            Path path = new Path(row.getString(pathIndex));
            try {
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                byte[] content;
                FileSystem fs = path.getFileSystem(hadoop);
                try (InputStream in = new DigestInputStream(open(fs, path, row.getLong(sizeIndex)), sha256)) {
                    content = in.readAllBytes();
                }
                Object[] values = new Object[row.length() + 2];
                for (int i = 0; i < row.length(); i++) {
                    values[i] = row.get(i);
                }
                values[row.length()] = content;
                values[row.length() + 1] = java.util.HexFormat.of().formatHex(sha256.digest());
                return RowFactory.create(values);
            } catch (IOException e) {
                throw Errors.imageUnreadable(path.toString(), e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has SHA-256", e);
            }
        }
    }

    private static final String S3A_FILE_SYSTEM = "org.apache.hadoop.fs.s3a.S3AFileSystem";

    /**
     * Opens a listed file. S3A's plain {@code open} first asks the store for the object's metadata (a HEAD
     * request), which for a small image is half of the requests that read it; the listing already has
     * its length, so S3A is given that instead. A file replaced since the listing is read up to its
     * listed length, and its new metadata makes the next run read it again.
     */
    private static InputStream open(FileSystem fs, Path path, long listedSize) throws IOException {
        // By name: the S3A classes are loaded only where S3A is in use (they may be absent elsewhere).
        if (!fs.getClass().getName().equals(S3A_FILE_SYSTEM)) {
            return fs.open(path);
        }
        Path qualified = fs.makeQualified(path);
        return FutureIO.awaitFuture(fs.openFile(qualified)
                .withFileStatus(S3aListedFile.status(qualified, listedSize, fs.getDefaultBlockSize(qualified)))
                .build());
    }

    /** Kept apart so that S3A's classes load only when an S3A file is opened. */
    private static final class S3aListedFile {
        static FileStatus status(Path qualified, long size, long blockSize) {
            // No etag or version: S3A takes them from the first response and holds later reads of the stream to it.
            return new org.apache.hadoop.fs.s3a.S3AFileStatus(size, 0, qualified, blockSize, null, null, null);
        }
    }
}
