package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.DemoConfig;

@Tag("unit")
class DemoDataPlanTest {
    private static FashionMnist.Dataset bundledOnly;

    @BeforeAll
    static void loadBundledSplit() {
        bundledOnly = FashionMnist.load(Path.of("/nonexistent-so-the-bundled-split-is-used"));
    }

    @Test
    void bundledSplitIsTheRealFashionMnistTestSet() {
        FashionMnist.Split split = bundledOnly.train();
        assertThat(bundledOnly.fromPackage()).isFalse();
        assertThat(split.count()).isEqualTo(10_000);
        assertThat(split.rows()).isEqualTo(28);
        assertThat(split.cols()).isEqualTo(28);
        Map<Integer, Long> perLabel = java.util.stream.IntStream.range(0, split.count())
                .boxed()
                .collect(Collectors.groupingBy(split::label, Collectors.counting()));
        assertThat(perLabel)
                .hasSize(10)
                .allSatisfy((label, count) -> assertThat(count).isEqualTo(1000L));
        // First test image of Fashion-MNIST is an ankle boot (label 9).
        assertThat(split.label(0)).isEqualTo(9);
    }

    @Test
    void planIsStratifiedDisjointAndSeeded() {
        DemoConfig config = new DemoConfig(Path.of("/none"), 30, 7, 42);
        List<DemoData.DemoImage> plan = DemoData.sample(bundledOnly, config);

        assertThat(plan).hasSize(10 * (30 + 7));
        Map<String, Long> perSplitAndClass = plan.stream()
                .collect(
                        Collectors.groupingBy(image -> image.split() + "/" + image.className(), Collectors.counting()));
        assertThat(perSplitAndClass).hasSize(20);
        FashionMnist.CLASS_NAMES.forEach(name -> {
            assertThat(perSplitAndClass.get("train/" + name)).isEqualTo(30L);
            assertThat(perSplitAndClass.get("test/" + name)).isEqualTo(7L);
        });
        plan.forEach(
                image -> assertThat(FashionMnist.CLASS_NAMES.get(image.source().label(image.index())))
                        .isEqualTo(image.className()));
        assertThat(plan.stream().map(DemoData.DemoImage::index).distinct())
                .as("train and test are disjoint")
                .hasSize(plan.size());

        assertThat(DemoData.sample(bundledOnly, config))
                .as("same seed, same images")
                .isEqualTo(plan);
        List<Integer> otherSeed = DemoData.sample(bundledOnly, new DemoConfig(Path.of("/none"), 30, 7, 43)).stream()
                .map(DemoData.DemoImage::index)
                .toList();
        assertThat(otherSeed)
                .isNotEqualTo(plan.stream().map(DemoData.DemoImage::index).toList());
    }

    @Test
    void pathsFollowTheImageFolderLayout() {
        DemoData.DemoImage image = DemoData.sample(bundledOnly, new DemoConfig(Path.of("/none"), 1, 1, 1))
                .get(0);
        assertThat(image.relativePath()).matches("images/fashion-mnist/train/t-shirt_top/\\d+\\.png");
    }

    @Test
    void pngsDecodeBackToTheSamePixels() throws Exception {
        DemoData.DemoImage image = DemoData.sample(bundledOnly, new DemoConfig(Path.of("/none"), 1, 1, 1))
                .get(0);
        java.awt.image.BufferedImage decoded =
                javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(DemoData.png(image)));
        byte[] pixels = new byte[28 * 28];
        decoded.getRaster().getDataElements(0, 0, 28, 28, pixels);
        assertThat(pixels).isEqualTo(image.source().image(image.index()));
    }

    @Test
    void askingMoreThanTheBundledSplitHoldsIsRefused() {
        DemoConfig config = new DemoConfig(Path.of("/none"), 900, 200, 42);
        assertThatThrownBy(() -> DemoData.sample(bundledOnly, config))
                .hasMessage(
                        "Cannot write demo data: demo.train-per-class + demo.test-per-class = 1100 exceeds the 1000 images "
                                + "per class of the bundled test split (no Debian package in /none). Install the Debian package "
                                + "dataset-fashion-mnist, or lower demo.train-per-class.");
    }
}
