package org.transferlake.source;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.transferlake.config.DemoConfig;
import org.transferlake.config.Errors;

/**
 * Writes Fashion-MNIST into the lake as PNG objects in ImageFolder layout:
 * {@code <root>/images/fashion-mnist/{train,test}/<class>/<index>.png}. The sample is seeded and
 * stratified, and objects already present are not written again, so a second run writes nothing.
 */
public final class DemoData {
    /** Where the demo images live, relative to the lake root. */
    public static final String IMAGES_PREFIX = "images/fashion-mnist/";

    private static final int WRITERS = 8;

    /** One image to write: {@code index} is its position in the IDX split {@code source}. */
    public record DemoImage(String split, String className, FashionMnist.Split source, int index) {
        public String relativePath() {
            return IMAGES_PREFIX + split + "/" + className + "/" + index + ".png";
        }
    }

    /** What a run did: {@code written + alreadyPresent = planned}. */
    public record Result(int planned, int written, int alreadyPresent, boolean fromPackage) {}

    private DemoData() {}

    /**
     * The images to write: per class, {@code trainPerClass} from the train split and
     * {@code testPerClass} from the test split, each drawn by a seeded shuffle. Without the Debian
     * package both come from the bundled 10k split, disjoint.
     */
    public static List<DemoImage> sample(FashionMnist.Dataset data, DemoConfig config) {
        Random random = new Random(config.seed());
        List<DemoImage> plan = new ArrayList<>();
        for (int label = 0; label < FashionMnist.CLASS_NAMES.size(); label++) {
            String className = FashionMnist.CLASS_NAMES.get(label);
            List<Integer> trainPool = shuffledIndices(data.train(), label, random);
            List<Integer> testPool = data.fromPackage() ? shuffledIndices(data.test(), label, random) : trainPool;
            // Sharing one pool, test is taken from its end so that a larger train sample keeps the test images.
            int testStart = data.fromPackage() ? 0 : testPool.size() - config.testPerClass();
            if (config.trainPerClass() > trainPool.size()
                    || (!data.fromPackage() && config.trainPerClass() > testStart)) {
                throw data.fromPackage()
                        ? Errors.demoClassTooSmall(config, className, trainPool.size())
                        : Errors.demoSampleExceedsBundledSplit(config, trainPool.size());
            }
            for (int index : trainPool.subList(0, config.trainPerClass())) {
                plan.add(new DemoImage("train", className, data.train(), index));
            }
            for (int index : testPool.subList(testStart, testStart + config.testPerClass())) {
                plan.add(new DemoImage("test", className, data.test(), index));
            }
        }
        return plan;
    }

    private static List<Integer> shuffledIndices(FashionMnist.Split split, int label, Random random) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < split.count(); i++) {
            if (split.label(i) == label) {
                indices.add(i);
            }
        }
        Collections.shuffle(indices, random);
        return indices;
    }

    /** The sample to write and which of its images are not under the root yet. */
    public record Plan(List<DemoImage> sample, List<DemoImage> missing, boolean fromPackage) {}

    /** The seeded sample of {@code config}, checked against what is already under {@code root}. */
    public static Plan plan(DemoConfig config, FileSystem fs, URI root) {
        FashionMnist.Dataset data = FashionMnist.load(config.datasetDir());
        List<DemoImage> sample = sample(data, config);
        Set<String> present = listRelativePaths(fs, root, IMAGES_PREFIX);
        List<DemoImage> missing = sample.stream()
                .filter(image -> !present.contains(image.relativePath()))
                .toList();
        return new Plan(sample, missing, data.fromPackage());
    }

    /**
     * Writes the plan's missing images under {@code root}.
     *
     * @param written told of each image once it is written (from several threads)
     */
    public static Result write(Plan plan, FileSystem fs, URI root, LongConsumer written) {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (DemoImage image : plan.missing()) {
                pending.add(writers.submit(() -> {
                    writeObject(fs, new Path(root.resolve(image.relativePath())), png(image));
                    written.accept(1);
                    return null;
                }));
            }
            for (Future<?> future : pending) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw Errors.demoDataWriteFailed(root.resolve(IMAGES_PREFIX), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted("write demo data", e);
        } finally {
            writers.shutdownNow();
        }
        int planned = plan.sample().size();
        int missing = plan.missing().size();
        return new Result(planned, missing, planned - missing, plan.fromPackage());
    }

    /** Object counts under the demo prefix: split → class → count. */
    public static Map<String, Map<String, Long>> countObjects(FileSystem fs, URI root) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (String relative : listRelativePaths(fs, root, IMAGES_PREFIX)) {
            String[] parts = relative.substring(IMAGES_PREFIX.length()).split("/");
            if (parts.length == 3) {
                counts.computeIfAbsent(parts[0], split -> new TreeMap<>()).merge(parts[1], 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Grey bytes → an 8-bit grey PNG, the way the original images were published. */
    static byte[] png(DemoImage image) {
        FashionMnist.Split source = image.source();
        BufferedImage grey = new BufferedImage(source.cols(), source.rows(), BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setDataElements(0, 0, source.cols(), source.rows(), source.image(image.index()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            ImageIO.write(grey, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeObject(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            out.write(bytes);
        }
    }

    private static Set<String> listRelativePaths(FileSystem fs, URI root, String prefix) {
        Set<String> relative = new HashSet<>();
        Path base = new Path(root.resolve(prefix));
        String rootString = fs.makeQualified(new Path(root)).toString();
        try {
            if (!fs.exists(base)) {
                return relative;
            }
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(base, true);
            while (files.hasNext()) {
                String full = files.next().getPath().toString();
                relative.add(full.substring(rootString.endsWith("/") ? rootString.length() : rootString.length() + 1));
            }
        } catch (IOException e) {
            throw Errors.lakeListingFailed(base, e);
        }
        return relative;
    }
}
