package org.jdnn.backend.cuda;

import org.jdnn.ops.Conv2dParams;
import org.jdnn.ops.ConvTranspose2dParams;
import org.jdnn.ops.ConvTranspose2dShapes;
import org.jdnn.ops.Precision;
import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conv2d and conv_transpose2d as cuDNN convolution descriptors: dims, padding, stride, dilation, groups. */
class ConvGeometryTest {
    @Test
    void aConvolutionKeepsPyTorchsLayoutsAndParameters() {
        Conv2dParams p = Conv2dParams.of(2, 1, 3, 2);
        ConvGeometry g = ConvGeometry.conv2d(p, Shape.of(5, 4, 17, 13), Shape.of(6, 2, 3, 3));
        assertArrayEquals(new int[] {5, 4, 17, 13}, g.x());
        assertArrayEquals(new int[] {6, 2, 3, 3}, g.w(), "filter (K, C / groups, KH, KW) is the weight");
        assertArrayEquals(new int[] {5, 6, 7, 5}, g.y());
        assertEquals(List.of(1, 1, 2, 2, 3, 3, 2), List.of(g.padH(), g.padW(), g.strideH(), g.strideW(), g.dilationH(),
                g.dilationW(), g.groups()));
        assertArrayEquals(g.y(), g.forwardOutput(), "cuDNN's own output size agrees");
    }

    @Test
    void aTransposedConvolutionIsTheAdjointConvolutionWithInputAndOutputSwapped() {
        ConvTranspose2dParams p = ConvTranspose2dParams.of(2, 1, 1, 1, 2);
        Shape input = Shape.of(3, 4, 5, 6);
        Shape weight = Shape.of(4, 3, 3, 3); // (C_in, O / groups, KH, KW)
        ConvTranspose2dShapes s = ConvTranspose2dShapes.infer(input, weight, null, p);
        ConvGeometry g = ConvGeometry.transposed(p, input, weight);
        assertArrayEquals(new int[] {3, 6, 10, 12}, g.x(), "the convolution's input is the transposed output "
                + s.output());
        assertArrayEquals(new int[] {3, 4, 5, 6}, g.y(), "its output is the transposed input");
        assertArrayEquals(new int[] {4, 3, 3, 3}, g.w(), "the weight is its filter (K = C_in, C / groups = O / groups)");
        assertArrayEquals(g.y(), g.forwardOutput(), "cuDNN's forward of the output shape gives back the input shape");
    }

    @Test
    void seededTransposedShapesAlwaysGiveConsistentDescriptorsWhenSupported() {
        SplittableRandom random = new SplittableRandom(20261203L);
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            long stride = 1 + random.nextInt(3), dilation = 1 + random.nextInt(2), kernel = 1 + random.nextInt(4);
            long padding = random.nextInt((int) (dilation * (kernel - 1) + 1));
            long outputPadding = random.nextInt((int) Math.max(stride, dilation));
            long groups = 1 + random.nextInt(2);
            ConvTranspose2dParams p = ConvTranspose2dParams.of(stride, padding, outputPadding, dilation, groups);
            Shape input = Shape.of(1 + random.nextInt(2), 2 * groups, 1 + random.nextInt(6), 1 + random.nextInt(6));
            Shape weight = Shape.of(2 * groups, 1 + random.nextInt(3), kernel, kernel);
            ConvTranspose2dShapes s;
            try {
                s = ConvTranspose2dShapes.infer(input, weight, null, p);
            } catch (IllegalArgumentException e) {
                continue; // an empty output: not a case
            }
            String why = ConvGeometry.unsupported(p, input, s.output());
            if (outputPadding >= stride) {
                assertTrue(why != null && why.startsWith("output padding"), p + ": " + why);
                continue;
            }
            assertNull(why, p.toString());
            ConvGeometry g = ConvGeometry.transposed(p, input, weight);
            assertArrayEquals(g.y(), g.forwardOutput(), p + " " + input + " " + weight + ": " + g);
            checked++;
        }
        assertTrue(checked > 100, "only " + checked + " supported cases drawn");
    }

    @Test
    void whatCudnnCannotTakeIsNamed() {
        Conv2dParams asymmetric = Conv2dParams.DEFAULT.withPadding(1, 0, 1, 1);
        assertEquals("asymmetric padding (cuDNN pads both sides of an axis alike)",
                ConvGeometry.unsupported(asymmetric, Shape.of(1, 1, 4, 4)));
        assertEquals("precision BF16 (float32 only on cuda)",
                ConvGeometry.unsupported(Conv2dParams.DEFAULT.withPrecision(Precision.BF16), Shape.of(1, 1, 4, 4)));
        assertEquals("a tensor of 4294967296 elements (above cuDNN's int range)",
                ConvGeometry.unsupported(Conv2dParams.DEFAULT, Shape.of(1, 1, 65536, 65536)));
        assertNull(ConvGeometry.unsupported(Conv2dParams.of(2, 3, 2, 1), Shape.of(8, 3, 32, 32)));
    }

    @Test
    void algorithmKeysTellPassesShapesAndTheDeterministicSettingApart() {
        ConvGeometry a = ConvGeometry.conv2d(Conv2dParams.of(1, 1), Shape.of(8, 3, 32, 32), Shape.of(16, 3, 3, 3));
        ConvGeometry b = ConvGeometry.conv2d(Conv2dParams.of(1, 1), Shape.of(4, 3, 32, 32), Shape.of(16, 3, 3, 3));
        assertEquals("forward x[8, 3, 32, 32] w[16, 3, 3, 3] y[8, 16, 32, 32] pad 1,1 stride 1,1 dilation 1,1 groups 1",
                a.key("forward", false));
        assertNotEquals(a.key("forward", false), b.key("forward", false), "another batch size");
        assertNotEquals(a.key("forward", false), a.key("backward data", false));
        assertNotEquals(a.key("forward", false), a.key("forward", true));
        assertEquals(a.key("forward", false), ConvGeometry.conv2d(Conv2dParams.of(1, 1), Shape.of(8, 3, 32, 32),
                Shape.of(16, 3, 3, 3)).key("forward", false), "equal geometries share their key: "
                + Arrays.toString(a.x()));
    }
}
