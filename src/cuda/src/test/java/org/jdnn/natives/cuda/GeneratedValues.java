package org.jdnn.natives.cuda;

import org.jdnn.bindings.cublas.cublas_h;
import org.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.GroupLayout;
import java.lang.reflect.InvocationTargetException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The generated bindings' value of a name as native/cuda-constants.c prints it: "cublas.NAME", "cudnn.NAME",
 * "cudnn.sizeof(T)" or "cudnn.offsetof(T.field)"; null when the bindings have no such constant or struct.
 */
final class GeneratedValues {
    private static final Pattern SIZEOF = Pattern.compile("cudnn\\.sizeof\\((\\w+)\\)");
    private static final Pattern OFFSETOF = Pattern.compile("cudnn\\.offsetof\\((\\w+)\\.(\\w+)\\)");

    private GeneratedValues() {
    }

    static Long of(String name) {
        try {
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
            return ((Number) header.getMethod(constant).invoke(null)).longValue();
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;   // shows up in a map comparison as missing from the generated bindings
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(name + ": the generated accessor failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(name, e);
        }
    }

    /** The generated struct's layout, with the C field names (the typedef class inherits layout() from the struct's). */
    private static GroupLayout structLayout(String typedef) throws ReflectiveOperationException {
        return (GroupLayout) Class.forName("org.jdnn.bindings.cudnn." + typedef).getMethod("layout").invoke(null);
    }
}
