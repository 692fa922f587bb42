package org.transferlake.config;

/**
 * How 8-bit RGB pixels become backbone input, matching Keras' {@code preprocess_input} modes.
 * Pick the mode the backbone was trained with; a wrong mode silently degrades the embeddings.
 */
public enum Preprocessing {
    /** RGB / 255 → [0, 1] (nsfwjs' MobileNetV2 and InceptionV3, the bundled backbone). */
    UNIT,
    /** RGB / 127.5 − 1 → [−1, 1] (Keras MobileNet, MobileNetV2, InceptionV3, Xception). */
    TF,
    /** BGR with the ImageNet mean subtracted, no scaling (Keras VGG16/19, ResNet50). */
    CAFFE,
    /** RGB / 255, then ImageNet mean and std per channel (PyTorch-trained models). */
    TORCH;

    private static final float[] CAFFE_MEAN_BGR = {103.939f, 116.779f, 123.68f};
    private static final float[] TORCH_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] TORCH_STD = {0.229f, 0.224f, 0.225f};

    /**
     * Writes {@code rgb.length} floats into {@code out} from {@code offset}, in the channel order the
     * mode expects.
     *
     * @param rgb interleaved 8-bit R, G, B values (HWC)
     */
    public void apply(byte[] rgb, float[] out, int offset) {
        for (int i = 0; i < rgb.length; i += 3) {
            float r = rgb[i] & 0xFF;
            float g = rgb[i + 1] & 0xFF;
            float b = rgb[i + 2] & 0xFF;
            int o = offset + i;
            switch (this) {
                case UNIT -> {
                    out[o] = r / 255f;
                    out[o + 1] = g / 255f;
                    out[o + 2] = b / 255f;
                }
                case TF -> {
                    out[o] = r / 127.5f - 1f;
                    out[o + 1] = g / 127.5f - 1f;
                    out[o + 2] = b / 127.5f - 1f;
                }
                case CAFFE -> {
                    out[o] = b - CAFFE_MEAN_BGR[0];
                    out[o + 1] = g - CAFFE_MEAN_BGR[1];
                    out[o + 2] = r - CAFFE_MEAN_BGR[2];
                }
                case TORCH -> {
                    out[o] = (r / 255f - TORCH_MEAN[0]) / TORCH_STD[0];
                    out[o + 1] = (g / 255f - TORCH_MEAN[1]) / TORCH_STD[1];
                    out[o + 2] = (b / 255f - TORCH_MEAN[2]) / TORCH_STD[2];
                }
            }
        }
    }
}
