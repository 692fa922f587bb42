package org.transferlake.heads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PromotionTest {
    @Test
    void theFirstHeadBecomesChampion() {
        assertThat(Promotion.decide(0.5, OptionalDouble.empty(), 0.01)).isEqualTo(Promotion.Decision.FIRST_CHAMPION);
    }

    @Test
    void aBetterHeadBeyondTheMarginIsPromoted() {
        assertThat(Promotion.decide(0.92, OptionalDouble.of(0.90), 0.01)).isEqualTo(Promotion.Decision.BETTER);
    }

    @Test
    void aWorseHeadIsNot() {
        assertThat(Promotion.decide(0.85, OptionalDouble.of(0.90), 0.01)).isEqualTo(Promotion.Decision.KEEP_CHAMPION);
    }

    @Test
    void equalWithinTheMarginKeepsTheChampion() {
        assertThat(Promotion.decide(0.905, OptionalDouble.of(0.90), 0.01)).isEqualTo(Promotion.Decision.KEEP_CHAMPION);
        assertThat(Promotion.decide(0.91, OptionalDouble.of(0.90), 0.01))
                .as("exactly the margin is not more")
                .isEqualTo(Promotion.Decision.KEEP_CHAMPION);
        assertThat(Promotion.decide(0.90, OptionalDouble.of(0.90), 0.0)).isEqualTo(Promotion.Decision.KEEP_CHAMPION);
    }
}
