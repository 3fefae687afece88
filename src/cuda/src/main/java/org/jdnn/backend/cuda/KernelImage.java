package org.jdnn.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The fatbin of jdnn's CUDA kernels, compiled by nvcc when the module was built (SASS for the current architectures
 * and PTX for newer ones) and packaged as a resource; absent from a build made where nvcc was not found.
 */
public final class KernelImage {
    /** Where the build puts the fatbin (resource name in this module, read through Class.getResource). */
    public static final String RESOURCE = "org/jdnn/backend/cuda/jdnn_kernels.fatbin";
    /** Why a build has no kernels. */
    public static final String NOT_COMPILED =
            "CUDA kernels not compiled into this build: nvcc was not found at build time";

    private static byte[] bytes;

    private KernelImage() {
    }

    /** Empty when the fatbin is in this build, else why not. */
    public static Optional<String> missingReason() {
        return KernelImage.class.getResource("/" + RESOURCE) != null ? Optional.empty() : Optional.of(NOT_COMPILED);
    }

    /**
     * The fatbin's bytes (read once; not to be modified), or IllegalStateException saying it was not compiled into
     * this build.
     */
    static synchronized byte[] bytes() {
        if (bytes == null) {
            try (InputStream in = KernelImage.class.getResourceAsStream("/" + RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(NOT_COMPILED);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + RESOURCE + ": " + e.getMessage(), e);
            }
        }
        return bytes;
    }
}
