package org.jdnn.nn;

import org.jdnn.autograd.F;
import org.jdnn.ops.Upsample2dParams;
import org.jdnn.ops.UpsampleMode;
import org.jdnn.tensor.Tensor;

/**
 * Resampling of (N, C, H, W) input to a size or by scale factors, nearest or bilinear, PyTorch's {@code nn.Upsample}
 * (U-Net decoders: {@code new Upsample(2, UpsampleMode.BILINEAR, false)}).
 */
public class Upsample extends Module {
    private final Upsample2dParams params;

    /** Nearest by {@code scaleFactor}, PyTorch's {@code nn.Upsample(scale_factor=s)}. */
    public Upsample(double scaleFactor) {
        this(Upsample2dParams.nearest(scaleFactor));
    }

    /** By {@code scaleFactor} on both axes; {@code alignCorners} only for bilinear. */
    public Upsample(double scaleFactor, UpsampleMode mode, boolean alignCorners) {
        this(Upsample2dParams.scale(mode, scaleFactor, scaleFactor, alignCorners));
    }

    /** The general form: a size or scale factors per axis. */
    public Upsample(Upsample2dParams params) {
        if (params == null) {
            throw new IllegalArgumentException("Upsample: params is null");
        }
        this.params = params;
    }

    @Override
    public Tensor forward(Tensor input) {
        return F.interpolate(input, params);
    }

    public Upsample2dParams params() {
        return params;
    }

    @Override
    protected String extraRepr() {
        String what = params.sized() ? "size=" + Repr.pair(params.outH(), params.outW())
                : "scale_factor=" + (params.scaleH() == params.scaleW() ? Repr.number(params.scaleH())
                        : "(" + Repr.number(params.scaleH()) + ", " + Repr.number(params.scaleW()) + ")");
        return what + ", mode='" + params.mode().name().toLowerCase() + "'"
                + (params.alignCorners() ? ", align_corners=True" : "");
    }
}
