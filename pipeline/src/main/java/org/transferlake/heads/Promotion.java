package org.transferlake.heads;

import java.util.OptionalDouble;

/** When a candidate head replaces the champion. */
public final class Promotion {
    /** The outcome, with the reason a person reads in the run summary. */
    public enum Decision {
        /** There was no champion yet. */
        FIRST_CHAMPION,
        /** The candidate beats the champion by more than the margin. */
        BETTER,
        /** The candidate is not better by more than the margin: the champion stays. */
        KEEP_CHAMPION
    }

    private Promotion() {}

    /**
     * @param candidate the candidate's accuracy on the held-out set
     * @param champion the champion's accuracy on the same held-out set, if there is a champion
     */
    public static Decision decide(double candidate, OptionalDouble champion, double margin) {
        if (champion.isEmpty()) {
            return Decision.FIRST_CHAMPION;
        }
        return candidate > champion.getAsDouble() + margin ? Decision.BETTER : Decision.KEEP_CHAMPION;
    }
}
