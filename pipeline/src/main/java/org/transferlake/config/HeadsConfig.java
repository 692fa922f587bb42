package org.transferlake.config;

import java.util.List;

/**
 * Which heads {@code train} fits on the frozen features, and when one replaces the champion.
 *
 * @param algorithms {@code logistic_regression} and/or {@code mlp}
 * @param testFraction share of labeled images held out per class when the data has no test split
 * @param regParams the logistic-regression regularization sweep, chosen by train/validation split
 * @param mlpHiddenUnits widths tried for the multilayer perceptron's hidden layer
 * @param mlpIterations training iterations at which the perceptron is checked on the validation split,
 *     increasing: training goes on from one to the next, and the best check is kept
 * @param promotionMargin a candidate becomes champion only if its test accuracy beats the
 *     champion's, on the same held-out set, by more than this
 */
public record HeadsConfig(
        List<String> algorithms,
        double testFraction,
        long seed,
        int minExamplesPerClass,
        List<Double> regParams,
        List<Integer> mlpHiddenUnits,
        List<Integer> mlpIterations,
        double promotionMargin,
        int topK) {

    public static final List<String> ALGORITHMS = List.of("logistic_regression", "mlp");
}
