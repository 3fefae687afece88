package org.jdnn.ops;

/** The parameter record of an op that takes none. */
public record NoParams() {
    public static final NoParams INSTANCE = new NoParams();
}
