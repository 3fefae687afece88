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
            default -> throw new IllegalArgumentException("--models: no jdnn definition of '" + w.name() + "'");
        };
    }
}
