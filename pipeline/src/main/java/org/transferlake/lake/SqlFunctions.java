package org.transferlake.lake;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.transferlake.config.Errors;
import scala.collection.Seq;

/**
 * The SQL functions every session on the lake has, for comparing embeddings ({@code array<float>}):
 * {@code cosine_similarity(a, b)} and {@code l2_normalize(a)}. Registered by name in the session, so
 * they are there for {@code transferlake sql}, notebooks and the jobs alike.
 */
public final class SqlFunctions {
    public static final String COSINE_SIMILARITY = "cosine_similarity";
    public static final String L2_NORMALIZE = "l2_normalize";
    /** TensorFlow's {@code tf.math.l2_normalize} default: the smallest squared norm divided by. */
    static final double L2_EPSILON = 1e-12;

    private SqlFunctions() {}

    public static void register(SparkSession spark) {
        spark.udf()
                .register(
                        COSINE_SIMILARITY,
                        (UDF2<Seq<Float>, Seq<Float>, Double>) SqlFunctions::cosineSimilarity,
                        DataTypes.DoubleType);
        spark.udf()
                .register(
                        L2_NORMALIZE,
                        (UDF1<Seq<Float>, float[]>) SqlFunctions::l2Normalize,
                        DataTypes.createArrayType(DataTypes.FloatType, false));
    }

    /**
     * The cosine of the angle between {@code a} and {@code b}, in double precision; null when either is
     * null, holds a null, or has no length (a zero vector points nowhere).
     */
    static Double cosineSimilarity(Seq<Float> a, Seq<Float> b) {
        if (a == null || b == null) {
            return null;
        }
        int length = a.length();
        if (b.length() != length) {
            throw Errors.vectorLengthsDiffer(COSINE_SIMILARITY, length, b.length());
        }
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < length; i++) {
            Float x = a.apply(i);
            Float y = b.apply(i);
            if (x == null || y == null) {
                return null;
            }
            dot += (double) x * y;
            aa += (double) x * x;
            bb += (double) y * y;
        }
        return aa == 0 || bb == 0 ? null : dot / Math.sqrt(aa * bb);
    }

    /**
     * {@code a} scaled to length 1, as {@code tf.math.l2_normalize}: {@code a / sqrt(max(sum(a²), 1e-12))},
     * so a zero vector stays zero; null when {@code a} is null or holds a null. The dot product of two
     * normalized embeddings is their cosine.
     */
    static float[] l2Normalize(Seq<Float> a) {
        if (a == null) {
            return null;
        }
        double squares = 0;
        for (int i = 0; i < a.length(); i++) {
            Float x = a.apply(i);
            if (x == null) {
                return null;
            }
            squares += (double) x * x;
        }
        double scale = 1 / Math.sqrt(Math.max(squares, L2_EPSILON));
        float[] normalized = new float[a.length()];
        for (int i = 0; i < normalized.length; i++) {
            normalized[i] = (float) (a.apply(i) * scale);
        }
        return normalized;
    }
}
