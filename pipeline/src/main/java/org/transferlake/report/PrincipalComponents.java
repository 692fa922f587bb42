package org.transferlake.report;

import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first two principal components of a sample of embeddings, by subspace iteration with a
 * Rayleigh–Ritz step on the driver. Spark ML's PCA solves the full eigenproblem of the d × d covariance
 * in Java (no native LAPACK here): 130 s for the demo's 1,200 embeddings of 3,392 floats, where this
 * takes seconds, with the same answer (checked against Spark ML's PCA in a test).
 */
final class PrincipalComponents {
    private static final Logger LOG = LoggerFactory.getLogger(PrincipalComponents.class);

    static final int MAX_ITERATIONS = 500;

    /** Converged when the new pair of vectors spans the old pair's plane to within this (1 − cos of the angle). */
    static final double TOLERANCE = 1e-10;

    private PrincipalComponents() {}

    /**
     * The projection of each row on the two components, centred, and the share of the total variance
     * each explains (0 for a direction with none).
     */
    record Projected(double[][] scores, double[] explainedVariance, int iterations) {}

    /** Projects {@code rows} (all of one length, at least two values long). */
    static Projected of(List<float[]> rows) {
        int m = rows.size();
        int d = rows.get(0).length;
        double[] mean = new double[d];
        for (float[] row : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= m;
        }
        double[][] centred = new double[m][d];
        double total = 0;
        for (int i = 0; i < m; i++) {
            float[] row = rows.get(i);
            for (int j = 0; j < d; j++) {
                centred[i][j] = row[j] - mean[j];
                total += centred[i][j] * centred[i][j];
            }
        }
        if (total == 0) {
            return new Projected(new double[m][2], new double[2], 0);
        }
        double[][] basis = new double[2][d];
        Random random = new Random(42);
        for (double[] vector : basis) {
            for (int j = 0; j < d; j++) {
                vector[j] = random.nextGaussian();
            }
        }
        orthonormalise(basis, basis[1].clone());
        int iterations = 0;
        double turned = Double.MAX_VALUE;
        // Written so that a NaN (from non-finite embeddings) ends the loop at once.
        while (iterations < MAX_ITERATIONS && !(turned <= TOLERANCE)) {
            rotateToRitzVectors(centred, basis);
            // The covariance times each vector, without forming the d × d covariance: Xᵀ (X v).
            double[][] next = new double[2][d];
            for (double[] row : centred) {
                double first = dot(row, basis[0]);
                double second = dot(row, basis[1]);
                for (int j = 0; j < d; j++) {
                    next[0][j] += first * row[j];
                    next[1][j] += second * row[j];
                }
            }
            // Data of rank one leaves nothing for the second vector: it keeps its direction, off the first.
            orthonormalise(next, basis[1]);
            turned = 1 - smallestCosine(basis, next);
            basis = next;
            iterations++;
        }
        if (!(turned <= TOLERANCE)) {
            LOG.warn(
                    "report: the PCA had not converged after {} iterations (the plane still turned by 1 − cos = {});"
                            + " the projection is approximate",
                    iterations,
                    turned);
        }
        rotateToRitzVectors(centred, basis);
        double[][] scores = new double[m][2];
        double[] explained = new double[2];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < 2; c++) {
                scores[i][c] = dot(centred[i], basis[c]);
                explained[c] += scores[i][c] * scores[i][c];
            }
        }
        explained[0] /= total;
        explained[1] /= total;
        return new Projected(scores, explained, iterations);
    }

    /**
     * Rotates the orthonormal pair within its plane onto the eigenvectors of the covariance restricted to
     * it, the larger first: the best two components the plane holds, whatever the gap between them.
     */
    private static void rotateToRitzVectors(double[][] centred, double[][] basis) {
        double a = 0;
        double b = 0;
        double c = 0;
        for (double[] row : centred) {
            double first = dot(row, basis[0]);
            double second = dot(row, basis[1]);
            a += first * first;
            b += first * second;
            c += second * second;
        }
        // The 2 × 2 symmetric [[a, b], [b, c]]: its larger eigenvalue's eigenvector is (cos θ, sin θ).
        double theta = 0.5 * Math.atan2(2 * b, a - c);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        for (int j = 0; j < basis[0].length; j++) {
            double first = basis[0][j];
            double second = basis[1][j];
            basis[0][j] = cos * first + sin * second;
            basis[1][j] = -sin * first + cos * second;
        }
    }

    /**
     * The cosine of the larger principal angle between the planes of two orthonormal pairs: 1 when
     * they span the same plane. The smaller singular value of [[p, q], [r, s]], computed without the
     * cancellation of the textbook formula (which loses everything below about 1e-8 here).
     */
    private static double smallestCosine(double[][] old, double[][] next) {
        double p = dot(old[0], next[0]);
        double q = dot(old[0], next[1]);
        double r = dot(old[1], next[0]);
        double s = dot(old[1], next[1]);
        double largest = (Math.hypot(p + s, q - r) + Math.hypot(p - s, q + r)) / 2;
        return largest == 0 ? 0 : Math.abs(p * s - q * r) / largest;
    }

    /**
     * Gram–Schmidt, twice for the second vector (once leaves rounding error along the first). A second
     * vector with nothing left off the first is replaced by {@code fallback} made orthogonal to it, or by
     * the axis furthest from the first.
     */
    private static void orthonormalise(double[][] vectors, double[] fallback) {
        double firstNorm = scale(vectors[0]);
        for (int pass = 0; pass < 2; pass++) {
            subtract(vectors[1], vectors[0]);
        }
        if (scale(vectors[1]) <= 1e-12 * firstNorm) {
            double[] replacement = fallback.clone();
            for (int pass = 0; pass < 2; pass++) {
                subtract(replacement, vectors[0]);
            }
            if (scale(replacement) <= 1e-12) {
                replacement = axisFurthestFrom(vectors[0]);
            }
            vectors[1] = replacement;
        }
    }

    /** The axis unit vector most nearly orthogonal to {@code direction}, made orthogonal to it. */
    private static double[] axisFurthestFrom(double[] direction) {
        int axis = 0;
        for (int j = 1; j < direction.length; j++) {
            if (Math.abs(direction[j]) < Math.abs(direction[axis])) {
                axis = j;
            }
        }
        double[] vector = new double[direction.length];
        vector[axis] = 1;
        subtract(vector, direction);
        scale(vector);
        return vector;
    }

    private static void subtract(double[] vector, double[] unitDirection) {
        double along = dot(vector, unitDirection);
        for (int j = 0; j < vector.length; j++) {
            vector[j] -= along * unitDirection[j];
        }
    }

    /** Normalises {@code vector} in place; returns its norm before (0 leaves it as it was). */
    private static double scale(double[] vector) {
        double norm = Math.sqrt(dot(vector, vector));
        if (norm > 0) {
            for (int j = 0; j < vector.length; j++) {
                vector[j] /= norm;
            }
        }
        return norm;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }
}
