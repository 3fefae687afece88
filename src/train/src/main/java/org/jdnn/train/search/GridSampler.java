package org.jdnn.train.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every combination of the hyper-parameters' grid values, the first hyper-parameter changing slowest. Each range
 * gets the most points that keep the whole grid within the trial budget (at least one: the range's middle); the
 * choices are all tried, so a budget smaller than the product of the choices is refused.
 */
public final class GridSampler implements Sampler {

    @Override
    public List<Point> points(SearchSpace space, int trials) {
        int perRange = pointsPerRange(space, trials);
        List<Map<String, Object>> partial = new ArrayList<>();
        partial.add(new LinkedHashMap<>());
        for (Map.Entry<String, Domain> entry : space.domains().entrySet()) {
            List<Map<String, Object>> extended = new ArrayList<>();
            for (Map<String, Object> prefix : partial) {
                for (Object value : entry.getValue().grid(perRange)) {
                    Map<String, Object> next = new LinkedHashMap<>(prefix);
                    next.put(entry.getKey(), value);
                    extended.add(next);
                }
            }
            partial = extended;
        }
        return partial.stream().map(Point::new).toList();
    }

    /** The points each range gets so that the grid has at most {@code trials} points. */
    public static int pointsPerRange(SearchSpace space, int trials) {
        long choices = 1;
        int ranges = 0;
        for (Domain d : space.domains().values()) {
            if (d.isRange()) {
                ranges++;
            } else {
                choices *= ((Domain.Choice) d).values().size();
            }
        }
        if (choices > trials) {
            throw new IllegalArgumentException("a grid over these choices has " + choices + " points, more than "
                    + trials + " trials");
        }
        if (ranges == 0) {
            return 1;
        }
        int points = 1;
        while (choices * Math.pow(points + 1, ranges) <= trials) {
            points++;
        }
        return points;
    }
}
