package org.jdnn.benchmarks.compare;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2x2 stride-2 transposed convolution (PyTorch's {@code ConvTranspose2d(in, out, 2, stride=2)}, with bias) for
 * DJL's PyTorch engine, whose {@code Deconvolution} block is not implemented (it throws "Not implemented" in
 * version 0.36.0). With kernel = stride = 2 the output windows do not overlap: output pixel (2i + a, 2j + b) of
 * channel o is {@code sum_c x[c, i, j] w[c, o, a, b] + bias[o]}. That is a 1x1 convolution to {@code 4 * out}
 * channels (o, a, b), then a depth-to-space rearrangement and the bias: the same multiply-adds and parameter count
 * as the transposed convolution, plus one copy of the output.
 */
final class UpConv2x2 extends AbstractBlock {
    private final long out;
    private final Parameter weight;
    private final Parameter bias;

    UpConv2x2(long in, long out) {
        this.out = out;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(4 * out, in, 1, 1)).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray products = Conv2d.conv2d(x, store.getValue(weight, x.getDevice(), training)).singletonOrThrow();
        // (N, out*2*2, H, W) -> (N, out, 2, 2, H, W) -> (N, out, H, 2, W, 2) -> (N, out, 2H, 2W)
        NDArray up = products.reshape(n, out, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, out, 2 * h, 2 * w);
        return new NDList(up.add(store.getValue(bias, x.getDevice(), training).reshape(1, out, 1, 1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), out, 2 * s.get(2), 2 * s.get(3))};
    }
}
