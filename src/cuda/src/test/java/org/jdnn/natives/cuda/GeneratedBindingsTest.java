package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cublaslt.cublaslt_h;
import org.jdnn.bindings.cuda.cuda_h;
import org.jdnn.bindings.cudart.cudart_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.jdnn.bindings.nccl.nccl_h;
import org.jdnn.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every function the generated CUDA bindings declare exists in the library it will be called in: each library file
 * is opened where jdnn would find it ({@link CudaSearchPath}: {@code JDNN_CUDA_PATH}, {@code LD_LIBRARY_PATH}, the
 * CUDA toolkit, Python's NVIDIA wheels, the system folders; then by name through the dynamic loader) and each symbol
 * is looked up in it, so a header newer than the library, or a macro-renamed function bound under the wrong name,
 * fails here naming the symbols rather than at the first call. Needs the libraries, not a device; a library that is
 * not found is skipped with the reason (the driver's libcuda.so.1 exists only where an NVIDIA driver is installed).
 */
@Tag("gpu")
class GeneratedBindingsTest {

    /** One generated package: its header class and the library files it may be called in, preferred first. */
    record Binding(String title, Class<?> header, List<String> fileNames) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Stream<Binding> bindings() {
        return Stream.of(
                new Binding("CUDA driver", cuda_h.class, List.of("libcuda.so.1")),
                new Binding("CUDA runtime", cudart_h.class, majors("libcudart.so.")),
                new Binding("NVRTC", nvrtc_h.class, majors("libnvrtc.so.")),
                new Binding("cuBLAS", cublas_h.class, majors("libcublas.so.")),
                new Binding("cuBLASLt", cublaslt_h.class, majors("libcublasLt.so.")),
                new Binding("cuDNN", cudnn_h.class, List.of("libcudnn.so.9")),
                new Binding("NCCL", nccl_h.class, List.of("libnccl.so.2")));
    }

    private static List<String> majors(String prefix) {
        return CudaLibrary.RUNTIME_MAJORS.stream().map(major -> prefix + major).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void everyDeclaredFunctionIsExportedByTheLibrary(Binding binding) {
        Set<String> declared = declaredFunctions(binding.header());
        List<CudaSearchPath.Entry> searchPath = CudaSearchPath.standard();
        Path path = find(searchPath, binding.fileNames());
        String file = path != null ? path.toString() : binding.fileNames().getFirst();

        Set<String> missing = new TreeSet<>();
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup library = open(path, binding.fileNames().getFirst(), arena);
            assumeTrue(library != null, () -> binding.title() + ": " + String.join(" or ", binding.fileNames())
                    + " not found in " + searchPath + " nor by the dynamic loader; set " + CudaSearchPath.OVERRIDE_ENV
                    + " to the library folders");
            for (String symbol : declared) {
                if (library.find(symbol).isEmpty()) {
                    missing.add(symbol);
                }
            }
        }
        System.out.println("generated bindings: " + binding.title() + ": " + (declared.size() - missing.size()) + " of "
                + declared.size() + " functions found in " + file);
        assertEquals(Set.of(), missing, binding.title() + ": functions the generated " + binding.header().getName()
                + " declares but " + file + " does not export");
    }

    @Test
    void declaredFunctionsAreReadFromTheGeneratedAccessors() {
        // The reflection above must see the functions jextract wrote, or every check would pass vacuously.
        Set<String> cudart = declaredFunctions(cudart_h.class);
        assertTrue(cudart.containsAll(List.of("cudaMalloc", "cudaMallocAsync", "cudaStreamQuery", "cudaGetDeviceProperties")),
                "cudart_h functions: " + cudart);
        Set<String> cublas = declaredFunctions(cublas_h.class);
        assertTrue(cublas.contains("cublasSgemm_v2") && !cublas.contains("cublasSgemm"),
                "cuBLAS binds the _v2 names cublas_v2.h's macros produce: " + cublas);
        assertTrue(declaredFunctions(cudnn_h.class).size() >= 80,
                "cudnn_h functions: " + declaredFunctions(cudnn_h.class).size());
        // nccl.h declares ncclGroupStart() and ncclGroupEnd() without (void): jextract binds them as variadic.
        assertTrue(declaredFunctions(nccl_h.class).containsAll(List.of("ncclAllReduce", "ncclGroupStart", "ncclGroupEnd")),
                "nccl_h functions: " + declaredFunctions(nccl_h.class));
    }

    /**
     * The C functions a jextract header class binds: a fixed-argument function has a public static
     * {@code name$address()} and {@code name$descriptor()}; a variadic one (also what C's empty parameter list
     * {@code f()} becomes) is a public nested class {@code name} with {@code makeInvoker} and a static {@code address()}.
     */
    static Set<String> declaredFunctions(Class<?> header) {
        Set<String> functions = Arrays.stream(header.getMethods())
                .filter(method -> Modifier.isStatic(method.getModifiers()))
                .filter(method -> method.getParameterCount() == 0 && method.getReturnType() == MemorySegment.class)
                .map(Method::getName)
                .filter(name -> name.endsWith("$address"))
                .map(name -> name.substring(0, name.length() - "$address".length()))
                .filter(name -> hasDescriptor(header, name))
                .collect(Collectors.toCollection(TreeSet::new));
        for (Class<?> nested : header.getClasses()) {
            if (isVariadicInvoker(nested)) {
                functions.add(nested.getSimpleName());
            }
        }
        return functions;
    }

    private static boolean isVariadicInvoker(Class<?> nested) {
        try {
            return nested.getMethod("address").getReturnType() == MemorySegment.class
                    && Modifier.isStatic(nested.getMethod("makeInvoker", MemoryLayout[].class).getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean hasDescriptor(Class<?> header, String function) {
        try {
            return header.getMethod(function + "$descriptor").getReturnType() == FunctionDescriptor.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The library at {@code path}, else {@code name} as the dynamic loader resolves it (ld.so.cache, where drivers
     * often put libcuda.so.1), else null.
     */
    private static SymbolLookup open(Path path, String name, Arena arena) {
        if (path != null) {
            return SymbolLookup.libraryLookup(path, arena);
        }
        try {
            return SymbolLookup.libraryLookup(name, arena);
        } catch (IllegalArgumentException notFound) {
            return null;
        }
    }

    private static Path find(List<CudaSearchPath.Entry> searchPath, List<String> names) {
        for (CudaSearchPath.Entry entry : searchPath) {
            for (String name : names) {
                Path candidate = entry.dir().resolve(name);
                if (Files.exists(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
