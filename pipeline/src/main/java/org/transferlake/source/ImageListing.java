package org.transferlake.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.sql.Timestamp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.transferlake.config.Errors;

/**
 * Finds images (extensions matched case-insensitively) without reading their bytes, so an
 * incremental run pays for the bytes of new files only ({@link ImageBytes} reads them, in the tasks
 * that embed them). {@link #readContent} reads bytes with Spark's {@code binaryFile} source, for the
 * benchmark's baselines.
 */
public final class ImageListing {
    private ImageListing() {}

    /** The listing's schema. */
    public static final StructType METADATA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modification_time", DataTypes.TimestampType, false);

    /** Entries the driver reads from one directory before it hands the directory to a task instead. */
    private static final int DRIVER_ENTRIES_PER_DIRECTORY = 10_000;
    /** Levels the driver descends at most to find enough directories to list in parallel. */
    private static final int DRIVER_DEPTH = 3;

    /**
     * {@code path, size, modification_time} of every image under {@code roots}, without reading
     * bytes. As Spark's parallel partition discovery does, the driver lists only the first levels,
     * until it has a couple of directories per core, and tasks list each of those recursively (on S3,
     * flat pages of 1000 keys): nothing of the size of the lake is held or sent by the driver. A
     * directory with more than {@value #DRIVER_ENTRIES_PER_DIRECTORY} entries is handed to a task
     * whole. Unlike Spark's file sources it keeps zero-byte files, so they can be quarantined rather
     * than vanish; like them, it skips names starting with {@code _} or {@code .}.
     */
    public static Dataset<Row> listMetadata(SparkSession spark, List<URI> roots, List<String> extensions) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        int wanted = 2 * spark.sparkContext().defaultParallelism();
        List<Row> shallowFiles = new ArrayList<>();
        List<String> toList = new ArrayList<>();
        for (URI root : roots) {
            Path base = new Path(root);
            try {
                FileSystem fs = base.getFileSystem(hadoop);
                FileStatus rootStatus = fs.getFileStatus(base);
                if (!rootStatus.isDirectory()) {
                    imageRow(rootStatus, extensions).ifPresent(shallowFiles::add);
                    continue;
                }
                List<Path> level = List.of(base);
                for (int depth = 0; depth < DRIVER_DEPTH && !level.isEmpty() && level.size() < wanted; depth++) {
                    List<Path> next = new ArrayList<>();
                    for (Path directory : level) {
                        listOneLevel(fs, directory, extensions, shallowFiles, next, toList);
                    }
                    level = next;
                }
                level.forEach(directory -> toList.add(directory.toString()));
            } catch (FileNotFoundException e) {
                throw Errors.imageRootDoesNotExist(root);
            } catch (IOException e) {
                throw Errors.imageListingFailed(root, e);
            }
        }
        return spark.createDataFrame(shallowFiles, METADATA)
                .unionByName(listInTasks(spark, toList, extensions, Math.max(1, Math.min(toList.size(), wanted))));
    }

    /**
     * Every image under each of {@code directories}, listed by {@code tasks} tasks. A directory that
     * cannot be listed fails its task with {@link Errors#imageListingFailed}, which the job's error carries.
     */
    static Dataset<Row> listInTasks(SparkSession spark, List<String> directories, List<String> extensions, int tasks) {
        return spark.createDataset(directories, Encoders.STRING())
                .repartition(tasks)
                .mapPartitions(new ListRecursively(extensions), Encoders.row(METADATA));
    }

    /**
     * The images directly in {@code directory} go to {@code files} and its subdirectories to
     * {@code subdirectories}; a directory too large for the driver goes to {@code toList} whole.
     */
    private static void listOneLevel(
            FileSystem fs,
            Path directory,
            List<String> extensions,
            List<Row> files,
            List<Path> subdirectories,
            List<String> toList)
            throws IOException {
        List<Row> foundFiles = new ArrayList<>();
        List<Path> foundDirectories = new ArrayList<>();
        RemoteIterator<FileStatus> entries = fs.listStatusIterator(directory);
        for (int seen = 0; entries.hasNext(); seen++) {
            if (seen == DRIVER_ENTRIES_PER_DIRECTORY) {
                toList.add(directory.toString());
                return;
            }
            FileStatus entry = entries.next();
            if (entry.isDirectory()) {
                foundDirectories.add(entry.getPath());
            } else {
                imageRow(entry, extensions).ifPresent(foundFiles::add);
            }
        }
        files.addAll(foundFiles);
        subdirectories.addAll(foundDirectories);
    }

    private static java.util.Optional<Row> imageRow(FileStatus file, List<String> extensions) {
        String name = file.getPath().getName();
        return file.isFile() && !name.startsWith("_") && !name.startsWith(".") && hasExtension(name, extensions)
                ? java.util.Optional.of(RowFactory.create(
                        file.getPath().toString(), file.getLen(), new Timestamp(file.getModificationTime())))
                : java.util.Optional.empty();
    }

    /** A task's share of the listing: every image under each of its directories, streamed. */
    private static final class ListRecursively implements MapPartitionsFunction<String, Row> {
        private static final long serialVersionUID = 1L;
        private final List<String> extensions;

        ListRecursively(List<String> extensions) {
            this.extensions = List.copyOf(extensions);
        }

        @Override
        public Iterator<Row> call(Iterator<String> directories) {
            Configuration hadoop = ImageBytes.executorConfiguration();
            return new Iterator<>() {
                private RemoteIterator<? extends FileStatus> files;
                private Path directory;
                private Row next;

                @Override
                public boolean hasNext() {
                    try {
                        while (next == null) {
                            if (files != null && files.hasNext()) {
                                next = imageRow(files.next(), extensions).orElse(null);
                            } else if (directories.hasNext()) {
                                directory = new Path(directories.next());
                                files = allFilesUnder(directory.getFileSystem(hadoop), directory);
                            } else {
                                return false;
                            }
                        }
                        return true;
                    } catch (IOException e) {
                        throw Errors.imageListingFailed(directory.toUri(), e);
                    }
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    Row row = next;
                    next = null;
                    return row;
                }
            };
        }
    }

    /**
     * Every file under {@code directory}. On an object store {@code listFiles} pages through the keys
     * flat, whatever the depth; on the local file system it asks each file's owner and permissions (a
     * forked {@code ls} per file: 2,000 files took 16 s here), so there a walk of plain statuses.
     */
    static RemoteIterator<? extends FileStatus> allFilesUnder(FileSystem fs, Path directory) throws IOException {
        if (!(fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem)) {
            return fs.listFiles(directory, true);
        }
        ArrayDeque<RemoteIterator<FileStatus>> open = new ArrayDeque<>();
        open.push(fs.listStatusIterator(directory));
        return new RemoteIterator<>() {
            private FileStatus next;

            @Override
            public boolean hasNext() throws IOException {
                while (next == null && !open.isEmpty()) {
                    if (!open.peek().hasNext()) {
                        open.pop();
                        continue;
                    }
                    FileStatus entry = open.peek().next();
                    if (entry.isDirectory()) {
                        open.push(fs.listStatusIterator(entry.getPath()));
                    } else {
                        next = entry;
                    }
                }
                return next != null;
            }

            @Override
            public FileStatus next() throws IOException {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                FileStatus file = next;
                next = null;
                return file;
            }
        };
    }

    private static boolean hasExtension(String name, List<String> extensions) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code path, content} of the given files or directories. */
    public static Dataset<Row> readContent(SparkSession spark, List<String> paths, List<String> extensions) {
        return load(spark, paths, extensions).select("path", "content");
    }

    private static Dataset<Row> load(SparkSession spark, List<String> paths, List<String> extensions) {
        DataFrameReader reader = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", caseInsensitiveGlob(extensions));
        try {
            return reader.load(paths.toArray(String[]::new));
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown unchecked
            if (e instanceof AnalysisException && e.getMessage().contains("PATH_NOT_FOUND")) {
                throw Errors.imagePathNotFound(((AnalysisException) e).getSimpleMessage());
            }
            throw e instanceof RuntimeException runtime ? runtime : Errors.imagesUnreadable(paths, e);
        }
    }

    /** {@code *.{[jJ][pP][gG],[pP][nN][gG]}}: Hadoop globs are case-sensitive. */
    static String caseInsensitiveGlob(List<String> extensions) {
        return extensions.stream()
                .map(extension -> extension
                        .chars()
                        .mapToObj(c -> Character.isLetter(c)
                                ? "[" + Character.toLowerCase((char) c) + Character.toUpperCase((char) c) + "]"
                                : String.valueOf((char) c))
                        .collect(Collectors.joining()))
                .collect(Collectors.joining(",", "*.{", "}"));
    }
}
