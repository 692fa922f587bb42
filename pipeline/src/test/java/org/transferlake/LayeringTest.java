package org.transferlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one-way package order of pipeline/README.md, checked on the sources' imports. */
@Tag("unit")
class LayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/org/transferlake");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?org\\.transferlake\\.(\\w+)\\.", Pattern.MULTILINE);

    /**
     * Each package and the packages it may use: those before it in the order, less what the design
     * forbids on top: {@code lake} knows nothing of models, and {@code heads} and {@code score} work
     * on stored features only (no backbone, no TensorFlow).
     */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("config", Set.of()),
            Map.entry("image", Set.of("config")),
            Map.entry("source", Set.of("config", "image")),
            Map.entry("backbone", Set.of("config", "image")),
            Map.entry("embed", Set.of("config", "image", "source", "backbone")),
            Map.entry("lake", Set.of("config", "image", "source")),
            Map.entry("heads", Set.of("config", "image", "source", "lake")),
            Map.entry("score", Set.of("config", "image", "source", "lake", "heads")),
            Map.entry("query", Set.of("config", "image", "source", "backbone", "lake", "heads", "score")),
            Map.entry(
                    "runs",
                    Set.of("config", "image", "source", "backbone", "embed", "lake", "heads", "score", "query")),
            Map.entry(
                    "report",
                    Set.of(
                            "config",
                            "image",
                            "source",
                            "backbone",
                            "embed",
                            "lake",
                            "heads",
                            "score",
                            "query",
                            "runs")),
            Map.entry(
                    "bench",
                    Set.of(
                            "config",
                            "image",
                            "source",
                            "backbone",
                            "embed",
                            "lake",
                            "heads",
                            "score",
                            "query",
                            "runs",
                            "report")));

    @Test
    void noPackageImportsOneAfterItInTheOrder() throws IOException {
        List<String> violations = new ArrayList<>();
        List<String> packages;
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            packages = dirs.filter(Files::isDirectory)
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertThat(packages)
                .as("every package has a place in the order")
                .containsExactlyInAnyOrderElementsOf(MAY_USE.keySet());
        for (String pkg : packages) {
            try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
                for (Path file : files.toList()) {
                    Matcher imported = IMPORT.matcher(Files.readString(file));
                    while (imported.find()) {
                        String used = imported.group(1);
                        if (!used.equals(pkg) && !MAY_USE.get(pkg).contains(used)) {
                            violations.add(pkg + "/" + file.getFileName() + " imports " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
