package org.jdnn.natives.cuda;

import java.util.List;

/**
 * The CUDA libraries jdnn loads, in loading order (each may need the ones before it), and the file names accepted
 * for each. cuBLAS, cuBLASLt and NVRTC must have the same major version as the CUDA runtime found (they are built
 * against it); cuDNN 9 ships builds for several CUDA majors under one file name.
 */
public enum CudaLibrary {
    CUDART("CUDA runtime", false),
    CUBLASLT("cuBLASLt", false),
    CUBLAS("cuBLAS", false),
    NVRTC("NVRTC", true),
    CUDNN("cuDNN", false);

    /** CUDA runtime majors jdnn accepts, preferred first. */
    public static final List<Integer> RUNTIME_MAJORS = List.of(13, 12);

    private final String title;
    private final boolean optional;

    CudaLibrary(String title, boolean optional) {
        this.title = title;
        this.optional = optional;
    }

    public String title() {
        return title;
    }

    /** Optional libraries are loaded when found; their absence does not make CUDA unavailable. */
    public boolean optional() {
        return optional;
    }

    /** Accepted file names, preferred first; {@code runtimeMajor} is the major of the CUDA runtime chosen (ignored for it). */
    public List<String> fileNames(int runtimeMajor) {
        return switch (this) {
            case CUDART -> RUNTIME_MAJORS.stream().map(major -> "libcudart.so." + major).toList();
            case CUBLASLT -> List.of("libcublasLt.so." + runtimeMajor);
            case CUBLAS -> List.of("libcublas.so." + runtimeMajor);
            case NVRTC -> List.of("libnvrtc.so." + runtimeMajor);
            case CUDNN -> List.of("libcudnn.so.9");
        };
    }

    /**
     * cuDNN 9's libcudnn.so.9 is a front that dlopens its parts by soname when first used; loading them up front
     * from the same folder (best effort, in dependency order) makes wheel installs work without LD_LIBRARY_PATH.
     */
    public static final List<String> CUDNN_PARTS = List.of("libcudnn_graph.so.9", "libcudnn_engines_precompiled.so.9",
            "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9",
            "libcudnn_cnn.so.9", "libcudnn_adv.so.9");
}
