package org.jdnn.data;

/**
 * {@code x -> x * factor}. {@link #BYTES_TO_UNIT} is what torchvision's {@code ToTensor} does to the values
 * of an 8-bit image: 0..255 becomes 0..1. Datasets read by jdnn ({@link FashionMnist}, {@link Cifar10})
 * are already scaled to [0, 1]; this is for samples kept as raw pixel values (an
 * {@link UnsignedByteDataset} with scale 1).
 */
public final class Rescale implements Transform {
    /** 0..255 to 0..1, torchvision's {@code ToTensor} scaling. */
    public static final Rescale BYTES_TO_UNIT = new Rescale(1f / 255f);

    private final float factor;

    private Rescale(float factor) {
        if (!Float.isFinite(factor)) {
            throw new IllegalArgumentException("Rescale: factor " + factor + " is not finite");
        }
        this.factor = factor;
    }

    /** Multiplies every value by {@code factor}. */
    public static Rescale of(float factor) {
        return new Rescale(factor);
    }

    public float factor() {
        return factor;
    }

    @Override
    public void apply(float[] values, int offset, int length) {
        for (int j = offset, end = offset + length; j < end; j++) {
            values[j] *= factor;
        }
    }

    @Override
    public String toString() {
        return "Rescale(" + factor + ")";
    }
}
