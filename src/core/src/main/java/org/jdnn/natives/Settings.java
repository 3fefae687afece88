package org.jdnn.natives;

/** Reads a setting from a system property first, then an environment variable. */
public final class Settings {
    private Settings() {
    }

    /** The property's value, else the environment variable's, else null (blank counts as unset). */
    public static String value(String property, String environmentVariable) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(environmentVariable);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
