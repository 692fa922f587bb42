package org.transferlake.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.transferlake.backbone.NativeTensorFlow;

/** Our resize against TensorFlow's own ResizeBilinear (half-pixel centres), the reference filter. */
@Tag("unit")
class ResizerTest {
    @ParameterizedTest(name = "{0}x{1} -> {2}x{3}")
    @CsvSource({"37, 23, 10, 7", "37, 23, 64, 50", "28, 28, 224, 224", "300, 200, 224, 224", "5, 5, 5, 3"})
    void matchesTensorFlowBilinearWithinRounding(int width, int height, int outWidth, int outHeight) {
        byte[] rgb = new byte[width * height * 3];
        new Random(width * 31L + height).nextBytes(rgb);
        RgbImage ours = Resizer.resize(new RgbImage(width, height, rgb), outWidth, outHeight);

        float[] reference = tensorFlowResize(rgb, width, height, outWidth, outHeight);

        assertThat(ours.width()).isEqualTo(outWidth);
        assertThat(ours.height()).isEqualTo(outHeight);
        for (int i = 0; i < reference.length; i++) {
            assertThat((double) (ours.rgb()[i] & 0xFF))
                    .as("value %d", i)
                    .isCloseTo(reference[i], org.assertj.core.api.Assertions.within(0.5 + 1e-3));
        }
    }

    private static float[] tensorFlowResize(byte[] rgb, int width, int height, int outWidth, int outHeight) {
        NativeTensorFlow.ensureLoaded();
        float[] pixels = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            pixels[i] = rgb[i] & 0xFF;
        }
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            var image = tf.constant(NdArrays.wrap(Shape.of(1, height, width, 3), DataBuffers.of(pixels, true, false)));
            var resized = tf.image.resizeBilinear(
                    image, tf.constant(new int[] {outHeight, outWidth}), ResizeBilinear.halfPixelCenters(true));
            try (TFloat32 result =
                    (TFloat32) session.runner().fetch(resized).run().get(0)) {
                float[] out = new float[outWidth * outHeight * 3];
                result.copyTo(NdArrays.wrap(Shape.of(1, outHeight, outWidth, 3), DataBuffers.of(out, false, false)));
                return out;
            }
        }
    }
}
