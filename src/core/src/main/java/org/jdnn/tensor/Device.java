package org.jdnn.tensor;

import java.util.Locale;

/**
 * Where a tensor's storage lives: {@code cpu}, {@code cuda:N}, or {@code sim}, the simulated device CPU-only machines
 * test every device path with (its memory is readable only by its kernels and its copies; see {@link DeviceMemory}).
 */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA, SIM }

    public static final Device CPU = new Device(Kind.CPU, 0);
    public static final Device SIM = new Device(Kind.SIM, 0);

    public Device {
        if (kind == null || index < 0) {
            throw new IllegalArgumentException("Device: bad kind/index " + kind + ":" + index);
        }
        if (kind != Kind.CUDA && index != 0) {
            throw new IllegalArgumentException("Device: " + kind.name().toLowerCase(Locale.ROOT) + " has only index 0, got "
                    + index);
        }
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Parses {@code cpu}, {@code sim}, {@code cuda} (index 0) or {@code cuda:N}, as PyTorch spells them. */
    public static Device parse(String name) {
        String s = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "cpu" -> CPU;
            case "sim" -> SIM;
            case "cuda" -> cuda(0);
            default -> {
                if (s.startsWith("cuda:")) {
                    try {
                        yield cuda(Integer.parseInt(s.substring(5)));
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                }
                throw new IllegalArgumentException("device: '" + name + "' is not cpu, sim, cuda or cuda:N");
            }
        };
    }

    /** Whether host code may read this device's memory directly (only the CPU's). */
    public boolean isHost() {
        return kind == Kind.CPU;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case SIM -> "sim";
            case CUDA -> "cuda:" + index;
        };
    }
}
