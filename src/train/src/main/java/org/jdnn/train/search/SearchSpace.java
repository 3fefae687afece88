package org.jdnn.train.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The hyper-parameters a search varies, by name, each with its {@link Domain}; the order is the grid's order. */
public record SearchSpace(Map<String, Domain> domains) {
    public SearchSpace {
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a search space needs at least one hyper-parameter");
        }
        domains = Collections.unmodifiableMap(new LinkedHashMap<>(domains));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds hyper-parameters in order. */
    public static final class Builder {
        private final Map<String, Domain> domains = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder add(String name, Domain domain) {
            if (domains.putIfAbsent(name, domain) != null) {
                throw new IllegalArgumentException("SearchSpace: hyper-parameter '" + name + "' given twice");
            }
            return this;
        }

        public Builder logUniform(String name, double low, double high) {
            return add(name, new Domain.LogUniform(low, high));
        }

        public Builder uniform(String name, double low, double high) {
            return add(name, new Domain.Uniform(low, high));
        }

        public Builder choice(String name, double... numbers) {
            return add(name, Domain.Choice.of(numbers));
        }

        public Builder choice(String name, String... names) {
            return add(name, Domain.Choice.of(names));
        }

        public SearchSpace build() {
            return new SearchSpace(domains);
        }
    }
}
