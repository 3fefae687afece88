package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.GroupLayout;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written {@link CudaConstants} agree with the jextract output made from the real headers (cuBLAS 13.1,
 * cuDNN 9.24): every constant has a generated accessor of the same name and value, and the algo-perf struct has the
 * generated struct's size and field offsets. Plain Java, no library or header needed, so it runs on every machine;
 * it is what lets the hand-written cuBLAS/cuDNN downcalls switch to org.jdnn.bindings.{cublas,cudnn} value for value.
 */
class GeneratedConstantsTest {
    private static final Pattern SIZEOF = Pattern.compile("cudnn\\.sizeof\\((\\w+)\\)");
    private static final Pattern OFFSETOF = Pattern.compile("cudnn\\.offsetof\\((\\w+)\\.(\\w+)\\)");

    @Test
    void everyHandWrittenConstantAndLayoutFactEqualsTheGeneratedOne() throws ReflectiveOperationException {
        Map<String, Long> expected = CudaConstants.expected();
        Map<String, Long> generated = new TreeMap<>();
        for (String name : expected.keySet()) {
            generated.put(name, generatedValue(name));
        }
        assertTrue(expected.size() >= 60, "CudaConstants.expected() has " + expected.size() + " entries");
        assertEquals(expected, generated, "CudaConstants (left) against the generated cublas_h / cudnn_h (right)");
    }

    /** "cublas.NAME", "cudnn.NAME", "cudnn.sizeof(T)" or "cudnn.offsetof(T.field)" read from the generated code. */
    private static Long generatedValue(String name) throws ReflectiveOperationException {
        Matcher sizeof = SIZEOF.matcher(name);
        if (sizeof.matches()) {
            return structLayout(sizeof.group(1)).byteSize();
        }
        Matcher offsetof = OFFSETOF.matcher(name);
        if (offsetof.matches()) {
            return structLayout(offsetof.group(1)).byteOffset(groupElement(offsetof.group(2)));
        }
        Class<?> header = name.startsWith("cublas.") ? cublas_h.class : cudnn_h.class;
        String constant = name.substring(name.indexOf('.') + 1);
        try {
            return ((Number) header.getMethod(constant).invoke(null)).longValue();
        } catch (NoSuchMethodException e) {
            return null;   // shows up in the map comparison as missing from the generated bindings
        }
    }

    /** The generated struct's layout, with the C field names (the typedef class inherits layout() from the struct's). */
    private static GroupLayout structLayout(String typedef) throws ReflectiveOperationException {
        Class<?> struct = Class.forName("org.jdnn.bindings.cudnn." + typedef);
        try {
            return (GroupLayout) struct.getMethod("layout").invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(typedef + ".layout() failed", e.getCause());
        }
    }
}
