package org.jdnn.train.search;

import java.util.List;

/** Chooses the points a search trains, in the order it trains them. */
public interface Sampler {
    /** At most {@code trials} points of {@code space}. */
    List<Point> points(SearchSpace space, int trials);
}
