package org.jdnn.backend.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a CUDA fatbin holds, read without cuobjdump: the container (magic 0xBA55ED50, then entries each with a kind,
 * 1 = PTX or 2 = ELF, a header size, a payload size and at header offset 28 the architecture), each ELF's kernels
 * (its {@code .text.NAME} sections) and each PTX's {@code .entry} names. Payloads must be uncompressed (nvcc
 * --no-compress); a compressed one is reported as such.
 */
record FatbinContents(List<Image> images) {
    static final int MAGIC = 0xBA55ED50;

    /** One image: PTX or SASS (ELF) for {@code arch} (75 for sm_75 / compute_75) and the kernels it defines. */
    record Image(boolean ptx, int arch, Set<String> kernels) {
        @Override
        public String toString() {
            return (ptx ? "compute_" : "sm_") + arch + " (" + kernels.size() + " kernels)";
        }
    }

    static FatbinContents parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a fatbin: no magic 0xBA55ED50 at offset 0");
        }
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long end = headerSize + b.getLong(8);
        if (end > bytes.length) {
            throw new IllegalArgumentException("fatbin truncated: header says " + end + " bytes, file has "
                    + bytes.length);
        }
        List<Image> images = new ArrayList<>();
        for (int at = headerSize; at < end; ) {
            int kind = Short.toUnsignedInt(b.getShort(at));
            int entryHeader = b.getInt(at + 4);
            int size = Math.toIntExact(b.getLong(at + 8));
            int arch = b.getInt(at + 28);
            int payload = at + entryHeader;
            images.add(switch (kind) {
                case 1 -> new Image(true, arch, ptxEntries(bytes, payload, size));
                case 2 -> new Image(false, arch, elfKernels(b, payload, size));
                default -> throw new IllegalArgumentException("fatbin entry at " + at + ": unknown kind " + kind);
            });
            at = payload + size;
        }
        return new FatbinContents(images);
    }

    private static Set<String> ptxEntries(byte[] bytes, int offset, int size) {
        String text = new String(bytes, offset, size, StandardCharsets.ISO_8859_1);
        if (!text.contains(".version")) {
            throw new IllegalArgumentException("PTX image at " + offset + " is not plain text (compressed? build with"
                    + " nvcc --no-compress)");
        }
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The names of an ELF64's {@code .text.NAME} sections, from its section headers and section name table. */
    private static Set<String> elfKernels(ByteBuffer b, int offset, int size) {
        if (b.getInt(offset) != 0x464c457f) {
            throw new IllegalArgumentException("ELF image at " + offset + " has no ELF magic (compressed? build with"
                    + " nvcc --no-compress)");
        }
        long sectionHeaders = b.getLong(offset + 0x28);
        int entrySize = Short.toUnsignedInt(b.getShort(offset + 0x3A));
        int count = Short.toUnsignedInt(b.getShort(offset + 0x3C));
        int namesIndex = Short.toUnsignedInt(b.getShort(offset + 0x3E));
        int namesAt = offset + Math.toIntExact(b.getLong(offset + (int) sectionHeaders + namesIndex * entrySize + 0x18));
        Set<String> kernels = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            int header = offset + (int) sectionHeaders + i * entrySize;
            String name = cString(b, namesAt + b.getInt(header));
            if (name.startsWith(".text.")) {
                kernels.add(name.substring(".text.".length()));
            }
        }
        if (size <= 0) {
            throw new IllegalArgumentException("empty ELF image at " + offset);
        }
        return kernels;
    }

    private static String cString(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; b.get(i) != 0; i++) {
            s.append((char) b.get(i));
        }
        return s.toString();
    }
}
