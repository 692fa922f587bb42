package org.transferlake.bench;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.ConfigKeys;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Errors;
import org.transferlake.lake.Lake;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * {@code transferlake bench scale}: does a run's cost grow only with the images it has to embed, on a
 * driver whose heap does not grow with the lake? Generates N small PNGs once (kept under
 * {@code <lake.root>bench/scale-N/}), then runs {@code transferlake extract} in a child JVM per phase,
 * each with the same capped heap and its GC log: all N images into fresh tables; N/10 of them alone
 * into other fresh tables (the per-image cost without the scale); a re-run with nothing new; a 1%
 * increment. Optionally {@code extract --plan} over a listing of many empty files. Run times are
 * the {@code runs} table's (start to end of the run, without the JVM and Spark start-up); heap peaks
 * are the largest heap after a GC pause in the child's own GC log.
 */
public final class ScaleBenchmark {
    /** Image directories of the generated set: N/10 is ten of them. */
    static final int SHARDS = 100;

    private static final int SMALLEST = 1_000;
    private static final int SMALLEST_HEAP_MB = 256;
    private static final int PLAN_DIRECTORIES = 1_000;
    /** How {@code transferlake extract} prints its step timings. */
    private static final String STEPS_LINE = "  stages (s): ";
    /** How {@code transferlake extract --plan} begins its summary. */
    private static final String PLAN_LINE = "Plan with ";
    /** The counts and seconds of that summary: {@code … : 10 images listed; 10 new … (1.2 s)}. */
    private static final java.util.regex.Pattern PLAN_RESULT =
            java.util.regex.Pattern.compile(": (\\d+) images listed; (\\d+) new .*\\(([0-9.]+) s\\)$");

    /**
     * How to start the CLI in a child JVM: its main class, this run's config arguments, and the
     * environment that carries its secrets (never the command line, which {@code ps} shows).
     */
    public record Cli(String mainClass, List<String> configArguments, Map<String, String> environment) {}

    /**
     * One child run against the tables at {@code tables}: images listed, embedded or quarantined (for
     * the plan: that would be), seconds, the heap after GC at most and after a full GC at most (0: none),
     * and how many collections.
     */
    public record Phase(
            String name,
            URI tables,
            long listed,
            long images,
            double seconds,
            long heapPeakMb,
            long heapAfterFullGcMb,
            int collections,
            String steps) {
        public double millisPerImage() {
            return images == 0 ? 0 : 1000 * seconds / images;
        }
    }

    /** The phases in order: all, a tenth, re-run, increment; then plan when asked for. */
    public record Report(long images, long heapLimitMb, List<Phase> phases) {
        public Phase phase(String name) {
            return phases.stream()
                    .filter(phase -> phase.name().equals(name))
                    .findFirst()
                    .orElseThrow();
        }

        /** Per-image cost of the N run over that of the N/10 run. */
        public double costRatio() {
            return phase(ALL).millisPerImage() / phase(TENTH).millisPerImage();
        }

        public double rerunPercent() {
            return 100 * phase(RERUN).seconds() / phase(ALL).seconds();
        }

        public double incrementPercent() {
            return 100 * phase(INCREMENT).seconds() / phase(ALL).seconds();
        }

        /** The largest heap after GC of the extract phases (the plan phase is reported on its own). */
        public long heapPeakMb() {
            return phases.stream()
                    .filter(phase -> !phase.name().equals(PLAN))
                    .mapToLong(Phase::heapPeakMb)
                    .max()
                    .orElse(0);
        }

        /** The last line, in a fixed form for scripts. */
        public String summaryLine() {
            return String.format(
                    Locale.ROOT,
                    "scale: %d images, driver heap peak %d MB (limit %d MB), per-image cost at N vs N/10: %.2f, re-run"
                            + " %.1f%% of first run",
                    images,
                    heapPeakMb(),
                    heapLimitMb,
                    costRatio(),
                    rerunPercent());
        }
    }

    public static final String ALL = "all N";
    public static final String TENTH = "N/10 alone";
    public static final String RERUN = "re-run";
    public static final String INCREMENT = "1% increment";
    public static final String PLAN = "plan";

    private ScaleBenchmark() {}

    /** Refuses counts the phases cannot split evenly, and a heap too small to start; before Spark starts. */
    public static void requireArguments(long images, int heapLimitMb, long planPaths) {
        if (images < SMALLEST || images % SHARDS != 0) {
            throw Errors.benchScaleImageCount(images, SMALLEST, SHARDS);
        }
        if (heapLimitMb < SMALLEST_HEAP_MB) {
            throw Errors.benchDriverHeapTooSmall(heapLimitMb, SMALLEST_HEAP_MB);
        }
        if (planPaths < 0 || planPaths % PLAN_DIRECTORIES != 0) {
            throw Errors.benchPlanPathCount(planPaths, PLAN_DIRECTORIES);
        }
    }

    /**
     * Runs the phases and prints a table of them, then {@link Report#summaryLine()}.
     *
     * @param planPaths empty files for the plan phase, or 0 for none
     * @param workDir a local directory: each run's child logs and GC logs, and the plan's files (kept)
     * @param keepTables keep the phases' tables (else deleted at the end; the images are always kept)
     */
    public static Report run(
            Lake lake,
            long images,
            int heapLimitMb,
            long planPaths,
            Cli cli,
            Path workDir,
            boolean keepTables,
            PrintWriter out) {
        requireArguments(images, heapLimitMb, planPaths);
        SparkSession spark = lake.spark();
        URI set = lake.config().lake().resolve("bench/scale-" + images + "/");
        URI imageRoot = set.resolve("images/");
        URI incrementRoot = set.resolve("increment/");
        out.printf(
                "Images: %d under %s, %d more under %s (written once, kept)%n",
                images, imageRoot, images / 100, incrementRoot);
        out.flush();
        ScaleImages.ensure(spark, imageRoot, 0, images, SHARDS);
        ScaleImages.ensure(spark, incrementRoot, images, images / 100, 1);

        String stamp = Long.toString(System.currentTimeMillis());
        URI tables = lake.config().lake().resolve("bench/scale-" + images + "-run-" + stamp + "/");
        URI tenthTables = lake.config().lake().resolve("bench/scale-" + images + "-run-" + stamp + "-tenth/");
        List<URI> tenthRoots = new ArrayList<>();
        for (int shard = 0; shard < SHARDS / 10; shard++) {
            tenthRoots.add(ScaleImages.shard(imageRoot, shard));
        }
        Children children = new Children(lake, cli, heapLimitMb, workDir.resolve("logs-" + stamp), out);
        List<Phase> phases = new ArrayList<>();
        phases.add(children.extract(ALL, tables, List.of(imageRoot)));
        phases.add(children.extract(TENTH, tenthTables, tenthRoots));
        phases.add(children.extract(RERUN, tables, List.of(imageRoot)));
        phases.add(children.extract(INCREMENT, tables, List.of(imageRoot, incrementRoot)));
        if (planPaths > 0) {
            out.printf(
                    "%nEmpty files for the plan: %d under %s (created once, kept)%n",
                    planPaths, workDir.resolve("plan-" + planPaths));
            out.flush();
            URI listing = PlanListing.ensure(workDir.resolve("plan-" + planPaths), planPaths, PLAN_DIRECTORIES);
            phases.add(children.plan(PLAN, tables, listing));
        }
        Report report = new Report(images, heapLimitMb, phases);
        print(report, spark, out);
        if (!keepTables) {
            deleteTables(spark, List.of(tables, tenthTables), out);
        }
        return report;
    }

    /** The phases' tables are a measurement's by-product: gigabytes of embeddings at 100,000 images. */
    private static void deleteTables(SparkSession spark, List<URI> roots, PrintWriter out) {
        for (URI root : roots) {
            try {
                Lake.fileSystem(spark, root).delete(new org.apache.hadoop.fs.Path(root), true);
            } catch (IOException e) {
                out.printf(
                        "Could not delete the benchmark's tables under %s (%s): delete them by hand.%n",
                        root, e.getMessage());
            }
        }
        out.printf("Deleted the phases' tables (--keep-tables keeps them): %s%n", roots);
        out.flush();
    }

    private static void print(Report report, SparkSession spark, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%nbench scale: %d images, Spark %s, each phase a child JVM with -Xmx%dm%n",
                report.images(),
                spark.sparkContext().master(),
                report.heapLimitMb());
        String row = "%-14s %10s %10s %9s %9s %13s %14s %5s  %s%n";
        out.printf(
                Locale.ROOT,
                row,
                "phase",
                "listed",
                "embedded",
                "run s",
                "ms/image",
                "heap peak MB",
                "after full GC",
                "GCs",
                "steps (s)");
        for (Phase phase : report.phases()) {
            out.printf(
                    Locale.ROOT,
                    row,
                    phase.name(),
                    phase.listed(),
                    phase.images(),
                    String.format(Locale.ROOT, "%.1f", phase.seconds()),
                    String.format(Locale.ROOT, "%.2f", phase.millisPerImage()),
                    phase.heapPeakMb(),
                    phase.heapAfterFullGcMb() == 0 ? "-" : phase.heapAfterFullGcMb(),
                    phase.collections(),
                    phase.steps());
        }
        out.printf(
                Locale.ROOT,
                "1%% increment: %.1f s = %.1f%% of the first run (target <= 3)%n",
                report.phase(INCREMENT).seconds(),
                report.incrementPercent());
        out.println("targets at 100,000 images: heap peak < limit, cost ratio <= 1.1, re-run <= 3%");
        out.println("heap peak: the heap after a collection at most (an upper bound: a young collection leaves old"
                + " garbage); in local mode the driver's JVM also runs the tasks");
        out.println(report.summaryLine());
        out.flush();
    }

    /** Starts the phases' child JVMs against this lake, one at a time. */
    private static final class Children {
        private final Lake lake;
        private final Cli cli;
        private final int heapLimitMb;
        private final Path logDir;
        private final PrintWriter out;

        Children(Lake lake, Cli cli, int heapLimitMb, Path logDir, PrintWriter out) {
            this.lake = lake;
            this.cli = cli;
            this.heapLimitMb = heapLimitMb;
            this.logDir = logDir;
            this.out = out;
        }

        Phase extract(String name, URI tables, List<URI> roots) {
            ChildRun child = child(name, List.of("extract"), tables, roots, STEPS_LINE);
            Row run = new Tables(lake.spark(), tables)
                    .read(LakeTable.RUNS)
                    .where(col("job").equalTo("extract").and(col("status").equalTo("succeeded")))
                    .orderBy(col("started_at").desc())
                    .first();
            double seconds = (run.getTimestamp(run.fieldIndex("ended_at")).getTime()
                            - run.getTimestamp(run.fieldIndex("started_at")).getTime())
                    / 1000.0;
            Map<String, Long> counts = run.getJavaMap(run.fieldIndex("counts"));
            GcLog.Peak peak = GcLog.peakAfterGc(child.gcLog());
            return new Phase(
                    name,
                    tables,
                    counts.getOrDefault("listed", 0L),
                    counts.getOrDefault("embedded", 0L) + counts.getOrDefault("quarantined", 0L),
                    seconds,
                    peak.megabytes(),
                    peak.afterFullMegabytes(),
                    peak.collections(),
                    child.summary());
        }

        /** The plan's own counts and seconds, as it printed them; the listing is of the local file system. */
        Phase plan(String name, URI tables, URI listing) {
            long start = System.nanoTime();
            ChildRun child = child(
                    name, List.of("extract", "--plan", "--plan-sample", "3"), tables, List.of(listing), PLAN_LINE);
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            java.util.regex.Matcher result = PLAN_RESULT.matcher(child.summary());
            if (!result.find()) {
                throw Errors.benchPhaseOutputUnexpected(name, PLAN_LINE, child.log());
            }
            GcLog.Peak peak = GcLog.peakAfterGc(child.gcLog());
            return new Phase(
                    name,
                    tables,
                    Long.parseLong(result.group(1)),
                    Long.parseLong(result.group(2)),
                    Double.parseDouble(result.group(3)),
                    peak.megabytes(),
                    peak.afterFullMegabytes(),
                    peak.collections(),
                    String.format(
                            Locale.ROOT,
                            "listing a local directory; the plan's own time, %.1f s with JVM and Spark start-up",
                            wallSeconds));
        }

        /**
         * A finished child: its GC log, and the last line it printed that starts with the summary prefix,
         * without it (an extract's steps come in run order there, unlike in the table's map).
         */
        private record ChildRun(Path log, Path gcLog, String summary) {}

        /** Runs {@code transferlake <command>} on {@code roots} into the tables at {@code tables}. */
        private ChildRun child(String name, List<String> command, URI tables, List<URI> roots, String summaryPrefix) {
            String file = name.replaceAll("[^A-Za-z0-9]+", "-");
            Path log = logDir.resolve(file + ".log");
            Path gcLog = logDir.resolve(file + "-gc.log");
            List<String> args = new ArrayList<>(command);
            args.addAll(cli.configArguments());
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(ConfigKeys.LAKE_ROOT.name(), tables.toString());
            settings.put(
                    ConfigKeys.EXTRACT_ROOTS.name(),
                    roots.stream().map(root -> "\"" + root + "\"").collect(Collectors.joining(",", "[", "]")));
            lake.server().ifPresent(server -> settings.put(ConfigKeys.LAKE_ENDPOINT.name(), server.endpoint()));
            settings.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
            ProcessBuilder builder = JavaCommand.onThisClasspath(
                    heapLimitMb + "m", List.of("-Xlog:gc:file=" + gcLog), Map.of(), cli.mainClass(), args);
            builder.environment().putAll(cli.environment());
            lake.server()
                    .ifPresent(server ->
                            builder.environment().putAll(ConfigLoader.secretEnvironment(server.credentials())));
            out.printf(
                    Locale.ROOT,
                    "%n== %s: transferlake %s in a child JVM (-Xmx%dm), log %s%n",
                    name,
                    String.join(" ", command),
                    heapLimitMb,
                    log);
            out.flush();
            int exit = runEchoed(builder.redirectErrorStream(true), log, "  [" + name + "] ");
            if (exit != 0) {
                throw Errors.benchPhaseFailed(name, exit, log);
            }
            try (java.util.stream.Stream<String> lines = Files.lines(log)) {
                String summary = lines.filter(line -> line.startsWith(summaryPrefix))
                        .map(line -> line.substring(summaryPrefix.length()))
                        .reduce((first, last) -> last)
                        .orElse("");
                return new ChildRun(log, gcLog, summary);
            } catch (IOException e) {
                throw Errors.benchLocalFileFailed(log, e);
            }
        }

        /**
         * Runs the process, copying each line of its output to {@code log} and, prefixed, to stderr. A
         * child outlives nothing: it is killed if this JVM ends first (Ctrl-C, a scheduler's SIGTERM).
         */
        private static int runEchoed(ProcessBuilder builder, Path log, String prefix) {
            Process process;
            try {
                Files.createDirectories(log.getParent());
                process = builder.start();
            } catch (IOException e) {
                throw Errors.benchLocalFileFailed(log, e);
            }
            Thread killChild = new Thread(process::destroyForcibly, "bench-scale-child-kill");
            Runtime.getRuntime().addShutdownHook(killChild);
            try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    Writer file = Files.newBufferedWriter(log)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    file.write(line);
                    file.write('\n');
                    System.err.println(prefix + line);
                }
                return process.waitFor();
            } catch (IOException e) {
                throw Errors.benchLocalFileFailed(log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.interrupted("run a bench scale phase", e);
            } finally {
                process.destroyForcibly();
                try {
                    Runtime.getRuntime().removeShutdownHook(killChild);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running: it kills the child.
                }
            }
        }
    }
}
