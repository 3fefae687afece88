package org.jdnn.train.search;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Grid and random sampling of a search space. */
class SamplerTest {
    private static final SearchSpace CHOICES = SearchSpace.builder()
            .choice("batch_size", 64, 128)
            .choice("schedule", "none", "cosine", "step")
            .build();

    private static Point point(Object batch, Object schedule) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("batch_size", batch);
        values.put("schedule", schedule);
        return new Point(values);
    }

    @Test
    void gridEnumeratesTheProductWithTheFirstParameterChangingSlowest() {
        List<Point> points = new GridSampler().points(CHOICES, 6);
        assertEquals(List.of(
                point(64.0, "none"), point(64.0, "cosine"), point(64.0, "step"),
                point(128.0, "none"), point(128.0, "cosine"), point(128.0, "step")), points);
        assertEquals("batch_size=64, schedule=none", points.getFirst().toString());
    }

    @Test
    void gridGivesEachRangeTheMostPointsTheBudgetAllows() {
        SearchSpace space = SearchSpace.builder().logUniform("lr", 1e-3, 1).choice("batch_size", 64, 128).build();
        assertEquals(3, GridSampler.pointsPerRange(space, 7), "2 choices x 3 lr values = 6 <= 7 < 8");
        List<Point> points = new GridSampler().points(space, 7);
        assertEquals(6, points.size(), points.toString());
        double[] lrs = points.stream().mapToDouble(p -> p.number("lr")).toArray();
        double[] expected = {1e-3, 1e-3, Math.sqrt(1e-3), Math.sqrt(1e-3), 1, 1};
        for (int i = 0; i < lrs.length; i++) {
            assertEquals(expected[i], lrs[i], 1e-12, "lr of grid point " + i + ": " + points);
        }
        assertEquals(128.0, points.get(1).number("batch_size"));
    }

    @Test
    void aGridOfOnePointPerRangeTakesTheMiddleAndRangesAreSpacedAsTheirScale() {
        assertEquals(1e-3, (Double) new Domain.LogUniform(1e-4, 1e-2).grid(1).getFirst(), 1e-15);
        assertEquals(List.of(0.0, 0.25, 0.5), new Domain.Uniform(0, 0.5).grid(3));
        assertEquals(List.of(0.02, 0.4), new Domain.LogUniform(0.02, 0.4).grid(2), "the ends exactly");
        assertEquals(List.of(0.001, 0.01, 0.1), new Domain.LogUniform(0.001, 0.1).grid(3).stream()
                .map(v -> Math.round((Double) v * 1e6) / 1e6).toList());
    }

    @Test
    void aGridWithMoreChoicesThanTrialsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GridSampler().points(CHOICES, 5));
        assertEquals("a grid over these choices has 6 points, more than 5 trials", e.getMessage());
    }

    @Test
    void randomPointsRepeatForASeedAndStayWithinTheirDomains() {
        SearchSpace space = SearchSpace.builder()
                .logUniform("lr", 1e-3, 1)
                .uniform("weight_decay", 0, 1e-3)
                .choice("schedule", "none", "cosine")
                .build();
        List<Point> a = new RandomSampler(7).points(space, 200);
        assertEquals(a, new RandomSampler(7).points(space, 200));
        assertNotEquals(a, new RandomSampler(8).points(space, 200));
        int belowOneHundredth = 0;
        for (Point p : a) {
            double lr = p.number("lr");
            assertTrue(lr >= 1e-3 && lr <= 1, "lr " + lr);
            double wd = p.number("weight_decay");
            assertTrue(wd >= 0 && wd <= 1e-3, "weight decay " + wd);
            assertTrue(List.of("none", "cosine").contains(p.text("schedule")), p.toString());
            belowOneHundredth += lr < 0.01 ? 1 : 0;
        }
        // log-uniform: a third of the draws fall in [1e-3, 1e-2), one decade of three (a uniform draw: about 1 %)
        assertTrue(belowOneHundredth > 45 && belowOneHundredth < 90, belowOneHundredth + " of 200 below 0.01");
        assertEquals(2, a.stream().map(p -> p.text("schedule")).distinct().count());
    }

    @Test
    void badDomainsAreRefusedWithTheirValues() {
        assertEquals("log-uniform range needs 0 < low <= high, got 0.0:1.0",
                assertThrows(IllegalArgumentException.class, () -> new Domain.LogUniform(0, 1)).getMessage());
        assertEquals("uniform range needs low <= high, got 2.0:1.0",
                assertThrows(IllegalArgumentException.class, () -> new Domain.Uniform(2, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Domain.Choice(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SearchSpace.builder().choice("lr", 0.1).choice("lr", 0.2));
    }

    @Test
    void pointsAreReadByTypeAndFormattedForPeople() {
        Point p = new Point(Map.of("lr", 0.15234567));
        assertEquals(0.15234567, p.number("lr"));
        assertEquals("lr=0.1523", p.toString());
        assertEquals("0.0001", Point.format(1e-4));
        assertEquals("1.5E-7", Point.format(1.5e-7));
        assertEquals("128", Point.format(128.0));
        assertThrows(IllegalArgumentException.class, () -> p.text("lr"));
        assertThrows(IllegalArgumentException.class, () -> p.number("momentum"));
    }
}
