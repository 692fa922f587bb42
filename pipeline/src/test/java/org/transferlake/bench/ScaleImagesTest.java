package org.transferlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.RgbImage;

@Tag("unit")
class ScaleImagesTest {
    @Test
    void eachIndexGivesItsOwnSmallRgbPngTheSameEveryTime() throws Exception {
        byte[] first = ScaleImages.png(0);

        assertThat(ScaleImages.png(0)).isEqualTo(first);
        assertThat(ScaleImages.png(1)).isNotEqualTo(first);
        assertThat(first.length).isLessThan(4_000);
        RgbImage decoded = ImageDecoder.decode(first, 1_000_000);
        assertThat(decoded.width()).isEqualTo(32);
        assertThat(decoded.height()).isEqualTo(32);
    }

    @Test
    void shardsAreNumberedDirectoriesOfTheRoot() {
        assertThat(ScaleImages.shard(URI.create("s3a://lake/bench/scale-1000/images/"), 7))
                .isEqualTo(URI.create("s3a://lake/bench/scale-1000/images/s007/"));
    }
}
