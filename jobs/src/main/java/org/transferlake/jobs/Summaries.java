package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.Map;
import org.transferlake.lake.Lake;
import org.transferlake.source.DemoData;
import org.transferlake.source.Progress;

/** What commands print for people: short, aligned summaries. */
final class Summaries {
  private Summaries() {}

  static DemoData.Result writeDemoData(Lake lake, PrintWriter out) {
    DemoData.Result result = DemoData.write(lake.config().demo(), lake.fileSystem(), lake.root(),
        missing -> Progress.console("demo images", missing, System.err));
    out.printf("Demo data: %d images planned, %d written, %d already present (source: %s)%n",
        result.planned(), result.written(), result.alreadyPresent(),
        result.fromPackage() ? "Debian package dataset-fashion-mnist" : "bundled 10k test split");
    return result;
  }

  static void printObjects(Lake lake, PrintWriter out) {
    Map<String, Map<String, Long>> counts = DemoData.countObjects(lake.fileSystem(), lake.root());
    out.println("Objects under " + lake.root().resolve(DemoData.IMAGES_PREFIX) + ":");
    counts.forEach((split, perClass) -> {
      long total = perClass.values().stream().mapToLong(Long::longValue).sum();
      out.printf("  %-5s %6d images in %d classes %s%n", split, total, perClass.size(), perClass);
    });
    out.flush();
  }
}
