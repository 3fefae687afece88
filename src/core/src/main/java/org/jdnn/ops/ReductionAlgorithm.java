package org.jdnn.ops;

import java.util.Locale;

/** Reductions over axes. MAX's gradient goes to the first maximal element of each reduced slice (row-major order). */
public enum ReductionAlgorithm {
    SUM, MEAN, MAX;

    public String opName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
