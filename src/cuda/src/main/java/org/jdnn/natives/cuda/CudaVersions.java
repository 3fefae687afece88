package org.jdnn.natives.cuda;

/** CUDA encodes versions as 1000 * major + 10 * minor (13000 is 13.0, 12040 is 12.4). */
public final class CudaVersions {
    private CudaVersions() {
    }

    public static String format(int version) {
        return version <= 0 ? "none" : version / 1000 + "." + (version % 1000) / 10;
    }
}
