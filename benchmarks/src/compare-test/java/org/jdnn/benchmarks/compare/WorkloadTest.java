package org.jdnn.benchmarks.compare;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {
    @Test
    void theFourModelsUseTheIssuesBatchesAndInputSizes() {
        Workload mlp = Workload.named("mlp", 0);
        Workload resnet = Workload.named("resnet18", 0);
        Workload unet = Workload.named("unet", 0);
        assertEquals(128, mlp.batch());
        assertEquals(128 * 28 * 28, mlp.imageElements());
        assertEquals(128, mlp.labelElements(), "one label per image");
        assertEquals(128 * 3 * 32 * 32, resnet.imageElements(), "ResNet-18 takes 3x32x32");
        assertEquals(16, unet.batch());
        assertEquals(16 * 64 * 64, unet.labelElements(), "the U-Net has one label per pixel");
    }

    @Test
    void stepsOverrideTheDefaultOfEveryModel() {
        assertEquals(100, Workload.named("mlp", 0).timedSteps());
        assertEquals(7, Workload.named("mlp", 7).timedSteps());
        assertEquals(7, Workload.named("resnet18", 7).timedSteps());
    }

    @Test
    void anUnknownModelIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.named("vgg", 0));
        assertTrue(e.getMessage().contains("--models") && e.getMessage().contains("'vgg'"), e.getMessage());
    }

    @Test
    void seededDataIsTheSameOnEveryCallAndLabelsAreInRange() {
        Workload unet = Workload.named("unet", 0);
        SeededData a = SeededData.of(unet);
        SeededData b = SeededData.of(unet);
        assertEquals(a.images()[12345], b.images()[12345]);
        assertEquals(a.labels()[777], b.labels()[777]);
        for (long label : a.labels()) {
            assertTrue(label >= 0 && label < unet.classes(), "label " + label);
        }
    }
}
