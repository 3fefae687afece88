package org.jdnn.benchmarks.compare;

import org.jdnn.nn.Module;
import org.jdnn.nn.models.Models;

/** The jdnn side's models, from the library's own definitions. */
final class JdnnModels {
    private JdnnModels() {
    }

    static Module create(Workload w) {
        return switch (w.name()) {
            case "mlp", "lenet" -> Models.create(w.name(), Workload.SEED);
            case "resnet18" -> Models.resnet18(w.channels(), w.classes(), Workload.SEED);
            case "unet" -> Models.unet(w.channels(), w.classes(), Workload.SEED);
            default -> throw new IllegalArgumentException("--models: no jdnn definition of '" + w.name() + "'");
        };
    }
}
