package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.hadoop.fs.GlobPattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ImageListingGlobTest {
    private static final GlobPattern JPG_OR_PNG =
            new GlobPattern(ImageListing.caseInsensitiveGlob(List.of("jpg", "png")));

    @Test
    void eachLetterBecomesALowerUpperCharacterClass() {
        assertThat(ImageListing.caseInsensitiveGlob(List.of("jpg", "png"))).isEqualTo("*.{[jJ][pP][gG],[pP][nN][gG]}");
    }

    @Test
    void digitsStayAsTheyAre() {
        assertThat(ImageListing.caseInsensitiveGlob(List.of("mp4", "jp2"))).isEqualTo("*.{[mM][pP]4,[jJ][pP]2}");
    }

    @Test
    void aSingleExtensionIsStillABraceGroup() {
        assertThat(ImageListing.caseInsensitiveGlob(List.of("tiff"))).isEqualTo("*.{[tT][iI][fF][fF]}");
    }

    @Test
    void hadoopsGlobMatchesTheExtensionInAnyCase() {
        assertThat(List.of("a.JPG", "b.Png", "c.jpg", "x.y.pNG"))
                .allSatisfy(
                        name -> assertThat(JPG_OR_PNG.matches(name)).as(name).isTrue());
    }

    @Test
    void hadoopsGlobRejectsOtherAndLongerExtensions() {
        assertThat(List.of("d.jpeg", "e.txt", "f.jpg.bak", "jpg", "g.pn"))
                .allSatisfy(
                        name -> assertThat(JPG_OR_PNG.matches(name)).as(name).isFalse());
    }
}
