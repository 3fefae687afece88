package org.jdnn.train.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Independent random points, each hyper-parameter drawn from its domain; the same seed gives the same points. */
public record RandomSampler(long seed) implements Sampler {

    @Override
    public List<Point> points(SearchSpace space, int trials) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            space.domains().forEach((name, domain) -> values.put(name, domain.sample(random)));
            points.add(new Point(values));
        }
        return points;
    }
}
