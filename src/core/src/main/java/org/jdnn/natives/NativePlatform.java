package org.jdnn.natives;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A platform jdnn ships oneDNN for: the classifier of the {@code org.bytedeco:dnnl} jar that holds its libraries
 * and the file names of oneDNN and of the OpenMP runtime it was built with (GNU libgomp on Linux, LLVM libomp on
 * macOS).
 */
public record NativePlatform(String classifier, String dnnlFile, String openMpFile) {
    public static final NativePlatform LINUX_X86_64 = new NativePlatform("linux-x86_64", "libdnnl.so.3", "libgomp.so.1");
    public static final NativePlatform LINUX_ARM64 = new NativePlatform("linux-arm64", "libdnnl.so.3", "libgomp.so.1");
    public static final NativePlatform MACOS_ARM64 = new NativePlatform("macosx-arm64", "libdnnl.3.dylib", "libomp.dylib");

    /** Every platform with a oneDNN jar on Maven Central. */
    public static final List<NativePlatform> SUPPORTED = List.of(LINUX_X86_64, LINUX_ARM64, MACOS_ARM64);

    /** The platform of this JVM; a NativeLibraryException naming it and the supported ones when there is none. */
    public static NativePlatform current() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return of(os, arch).orElseThrow(() -> new NativeLibraryException("oneDNN: jdnn ships oneDNN for "
                + SUPPORTED.stream().map(NativePlatform::classifier).toList() + ", not for " + os + "/" + arch
                + "; set -D" + OneDnnLibrary.OVERRIDE_PROPERTY + " (or " + OneDnnLibrary.OVERRIDE_ENV
                + ") to a directory holding oneDNN built for this platform"));
    }

    /** The platform for Java's {@code os.name} and {@code os.arch}, if jdnn ships oneDNN for it. */
    public static Optional<NativePlatform> of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        if (os.startsWith("linux") && x86) {
            return Optional.of(LINUX_X86_64);
        }
        if (os.startsWith("linux") && arm) {
            return Optional.of(LINUX_ARM64);
        }
        if ((os.startsWith("mac") || os.startsWith("darwin")) && arm) {
            return Optional.of(MACOS_ARM64);
        }
        return Optional.empty();
    }

    /** The folder of the dnnl jar that holds this platform's libraries. */
    public String resourceDirectory() {
        return "org/bytedeco/dnnl/" + classifier + "/";
    }
}
