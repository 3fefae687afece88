package org.jdnn.data;

import org.jdnn.data.PlaneDatasets.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaneDatasetsTest {
    @ParameterizedTest
    @EnumSource(Kind.class)
    void splitHasTwoDimensionalPointsInTheAskedProportion(Kind kind) {
        PlaneDatasets.Split split = PlaneDatasets.split(kind, 400, 0.1, 0.25, 7);
        assertEquals(300, split.train().size(), kind + " train size");
        assertEquals(100, split.test().size(), kind + " test size");
        assertArrayEquals(new long[] {2}, split.train().sampleShape(), kind + " sample shape");
        assertArrayEquals(new long[] {2}, split.test().sampleShape(), kind + " sample shape");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void bothClassesGetHalfThePointsAndTheSplitKeepsThemMixed(Kind kind) {
        InMemoryDataset all = PlaneDatasets.generate(kind, 500, 0.2, 3);
        assertEquals(250, count(all, 1), kind + ": points of class 1 out of 500");
        PlaneDatasets.Split split = PlaneDatasets.split(kind, 500, 0.2, 0.5, 3);
        int trainOnes = count(split.train(), 1);
        assertTrue(trainOnes > 100 && trainOnes < 150, kind + ": class 1 in the training half is " + trainOnes + " of 250");
        assertEquals(250, trainOnes + count(split.test(), 1), kind + ": class 1 over both parts");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSameSeedGivesTheSamePointsAndAnotherSeedOthers(Kind kind) {
        float[] a = features(PlaneDatasets.split(kind, 200, 0.3, 0.5, 42).train());
        float[] b = features(PlaneDatasets.split(kind, 200, 0.3, 0.5, 42).train());
        float[] c = features(PlaneDatasets.split(kind, 200, 0.3, 0.5, 43).train());
        assertArrayEquals(a, b, kind + ": seed 42 twice");
        assertFalse(Arrays.equals(a, c), kind + ": seeds 42 and 43 gave the same points");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void noiseMovesEachCoordinateByAtMostItsAmount(Kind kind) {
        float[] clean = features(PlaneDatasets.generate(kind, 1000, 0, 11));
        float[] noisy = features(PlaneDatasets.generate(kind, 1000, PlaneDatasets.MAX_NOISE, 11));
        double largest = 0;
        for (int i = 0; i < clean.length; i++) {
            assertTrue(Math.abs(clean[i]) <= 1, kind + ": clean coordinate " + i + " is " + clean[i]);
            assertTrue(Math.abs(noisy[i]) <= PlaneDatasets.EXTENT, kind + ": noisy coordinate " + i + " is " + noisy[i]);
            largest = Math.max(largest, Math.abs(noisy[i]));
        }
        assertTrue(largest > 0.9, kind + ": noise 0.5 never reached past 0.9, largest |coordinate| " + largest);
    }

    @Test
    void cleanCircleAndXorPointsLieOnTheirSideOfTheBoundary() {
        InMemoryDataset circle = PlaneDatasets.generate(Kind.CIRCLE, 400, 0, 5);
        InMemoryDataset xor = PlaneDatasets.generate(Kind.XOR, 400, 0, 5);
        float[] p = new float[2];
        for (int i = 0; i < 400; i++) {
            circle.copyFeatures(i, p, 0);
            double r = Math.hypot(p[0], p[1]);
            assertTrue(circle.label(i) == 1 ? r <= 0.45 : r >= 0.65 && r <= 1,
                    "circle point " + i + " " + Arrays.toString(p) + " radius " + r + " label " + circle.label(i));
            xor.copyFeatures(i, p, 0);
            assertEquals(p[0] * p[1] > 0 ? 1 : 0, xor.label(i), "xor point " + i + " " + Arrays.toString(p));
        }
    }

    @Test
    void badArgumentsNameTheSettingAndValue() {
        IllegalArgumentException noise = assertThrows(IllegalArgumentException.class,
                () -> PlaneDatasets.generate(Kind.CIRCLE, 100, 0.7, 1));
        assertEquals("PlaneDatasets: noise must be in [0, 0.5], got 0.7", noise.getMessage());
        IllegalArgumentException samples = assertThrows(IllegalArgumentException.class,
                () -> PlaneDatasets.generate(Kind.CIRCLE, 101, 0.1, 1));
        assertEquals("PlaneDatasets: samples must be an even number in [10, 10000], got 101", samples.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> Kind.of("moons"));
        assertTrue(kind.getMessage().contains("'moons'"), kind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PlaneDatasets.split(Kind.XOR, 100, 0.1, 1.0, 1));
    }

    private static int count(Dataset data, int label) {
        int n = 0;
        for (int i = 0; i < data.size(); i++) {
            n += data.label(i) == label ? 1 : 0;
        }
        return n;
    }

    private static float[] features(Dataset data) {
        float[] all = new float[data.size() * 2];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, all, 2 * i);
        }
        return all;
    }
}
