package org.jdnn.tensor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the copies between the host and the devices: every read of device values from Java ({@code toFloatArray},
 * {@code item}, {@code get}, {@code to(cpu)}) and every write ({@code set}, {@code to(device)}) is one. A training
 * step on a device should make none but the loss read it was asked for; tests hold it to that.
 */
public final class Transfers {
    private static final LongAdder TO_DEVICE = new LongAdder();
    private static final LongAdder TO_HOST = new LongAdder();
    private static final LongAdder TO_DEVICE_BYTES = new LongAdder();
    private static final LongAdder TO_HOST_BYTES = new LongAdder();

    /** A snapshot of the counters. */
    public record Counts(long hostToDevice, long deviceToHost, long hostToDeviceBytes, long deviceToHostBytes) {
        /** The copies made since {@code earlier}. */
        public Counts since(Counts earlier) {
            return new Counts(hostToDevice - earlier.hostToDevice, deviceToHost - earlier.deviceToHost,
                    hostToDeviceBytes - earlier.hostToDeviceBytes, deviceToHostBytes - earlier.deviceToHostBytes);
        }
    }

    private Transfers() {
    }

    public static Counts counts() {
        return new Counts(TO_DEVICE.sum(), TO_HOST.sum(), TO_DEVICE_BYTES.sum(), TO_HOST_BYTES.sum());
    }

    static void toDevice(long bytes) {
        TO_DEVICE.increment();
        TO_DEVICE_BYTES.add(bytes);
    }

    static void toHost(long bytes) {
        TO_HOST.increment();
        TO_HOST_BYTES.add(bytes);
    }
}
