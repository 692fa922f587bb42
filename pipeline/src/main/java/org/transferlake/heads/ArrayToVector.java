package org.transferlake.heads;

import java.util.Arrays;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.transferlake.config.Errors;

/** The first stage of every head: an {@code array<float>} embedding column as an ML vector. */
public final class ArrayToVector extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;

    public ArrayToVector() {
        this(Identifiable$.MODULE$.randomUID("arrayToVector"));
    }

    public ArrayToVector(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "array<float|double> column");
        outputCol = new Param<>(this, "outputCol", "vector column");
        setDefault(inputCol, "embedding");
        setDefault(outputCol, "features");
    }

    public ArrayToVector setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public ArrayToVector setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String input = $(inputCol);
        boolean numericArray = Arrays.asList(schema.fieldNames()).contains(input)
                && schema.apply(input).dataType() instanceof ArrayType array
                && (array.elementType().equals(DataTypes.FloatType)
                        || array.elementType().equals(DataTypes.DoubleType));
        if (!numericArray) {
            throw Errors.notAnEmbeddingColumn(input);
        }
        return schema.add($(outputCol), SQLDataTypes.VectorType(), false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        return dataset.withColumn(
                $(outputCol), org.apache.spark.ml.functions.array_to_vector(dataset.col($(inputCol))));
    }

    @Override
    public ArrayToVector copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    public static MLReader<ArrayToVector> read() {
        return new DefaultParamsReader<>();
    }

    public static ArrayToVector load(String path) {
        return read().load(path);
    }
}
