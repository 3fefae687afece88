package org.jdnn.autograd;

import org.jdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.einsum} for one or two operands, composed of other ops (it has no kernel of its own): indices that
 * appear in one operand only and not in the output are summed first; then the two operands are permuted to
 * (batch, kept, contracted) and (batch, contracted, kept), reshaped to three dimensions and multiplied by one batched
 * matmul, whose result is reshaped and permuted to the output's order. One operand is a sum and a permute.
 *
 * <p>Subscripts are letters; without {@code ->} the output is every letter that appears once, in alphabetical order,
 * as PyTorch. Not supported (refused by name): the ellipsis {@code ...}, a letter repeated within one operand (a
 * diagonal), size-1 broadcasting between operands, and more than two operands.
 */
final class Einsum {
    private Einsum() {
    }

    static Tensor einsum(String equation, Tensor... operands) {
        if (equation == null) {
            throw new IllegalArgumentException("einsum: equation is null");
        }
        if (operands == null || operands.length == 0 || operands.length > 2) {
            throw new IllegalArgumentException("einsum: " + (operands == null ? 0 : operands.length)
                    + " operands given; one or two are supported (equation '" + equation + "')");
        }
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] == null) {
                throw new IllegalArgumentException("einsum: operand " + i + " is null (equation '" + equation + "')");
            }
        }
        Parsed p = parse(equation, operands);
        if (operands.length == 1) {
            return single(p, operands[0]);
        }
        return pair(p, operands[0], operands[1]);
    }

    /** The subscripts of each input and of the output, and each letter's size. */
    private record Parsed(String equation, List<String> inputs, String output, Map<Character, Long> sizes) {
    }

    private static Parsed parse(String equation, Tensor[] operands) {
        String eq = equation.replace(" ", "");
        if (eq.contains(".")) {
            throw new IllegalArgumentException("einsum: the ellipsis '...' is not supported (equation '" + equation
                    + "'); name every dimension");
        }
        int arrow = eq.indexOf("->");
        if (arrow >= 0 && eq.indexOf("->", arrow + 2) >= 0) {
            throw new IllegalArgumentException("einsum: more than one '->' in equation '" + equation + "'");
        }
        String lhs = arrow >= 0 ? eq.substring(0, arrow) : eq;
        List<String> inputs = List.of(lhs.split(",", -1));
        if (inputs.size() != operands.length) {
            throw new IllegalArgumentException("einsum: equation '" + equation + "' has " + inputs.size()
                    + " operand subscripts but " + operands.length + " operands were given");
        }
        Map<Character, Long> sizes = new LinkedHashMap<>();
        Map<Character, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String term = inputs.get(i);
            checkLetters(equation, term);
            Tensor t = operands[i];
            if (term.length() != t.rank()) {
                throw new IllegalArgumentException("einsum: subscripts '" + term + "' name " + term.length()
                        + " dimensions but operand " + i + " has shape " + t.shape() + " (equation '" + equation + "')");
            }
            for (int d = 0; d < term.length(); d++) {
                char c = term.charAt(d);
                if (term.indexOf(c) != d) {
                    throw new IllegalArgumentException("einsum: subscript '" + c + "' is repeated in operand " + i
                            + " ('" + term + "'): diagonals are not supported (equation '" + equation + "')");
                }
                long size = t.size(d);
                Long known = sizes.putIfAbsent(c, size);
                if (known != null && known != size) {
                    throw new IllegalArgumentException("einsum: subscript '" + c + "' has size " + known
                            + " in operand 0 and " + size + " in operand " + i + " (equation '" + equation + "')");
                }
                counts.merge(c, 1, Integer::sum);
            }
        }
        String output;
        if (arrow >= 0) {
            output = eq.substring(arrow + 2);
            checkLetters(equation, output);
            for (int d = 0; d < output.length(); d++) {
                char c = output.charAt(d);
                if (output.indexOf(c) != d) {
                    throw new IllegalArgumentException("einsum: output subscript '" + c + "' is repeated (equation '"
                            + equation + "')");
                }
                if (!sizes.containsKey(c)) {
                    throw new IllegalArgumentException("einsum: output subscript '" + c
                            + "' appears in no operand (equation '" + equation + "')");
                }
            }
        } else {
            StringBuilder implicit = new StringBuilder();
            counts.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).sorted()
                    .forEach(implicit::append);
            output = implicit.toString();
        }
        return new Parsed(equation, inputs, output, sizes);
    }

    private static void checkLetters(String equation, String term) {
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("einsum: invalid subscript '" + c + "' in equation '" + equation
                        + "' (subscripts are letters)");
            }
        }
    }

    /** One operand: the letters not in the output summed, the rest permuted to the output's order. */
    private static Tensor single(Parsed p, Tensor x) {
        String term = p.inputs().get(0);
        String kept = sumOut(term, p.output(), "");
        Tensor summed = sum(x, term, kept);
        Tensor out = permute(summed, kept, p.output());
        if (out == x) {
            return x.reshape(x.dims()); // a new tensor, as every op's result (a view)
        }
        if (summed != x && summed != out) {
            closeUntracked(summed);
        }
        return out;
    }

    private static Tensor pair(Parsed p, Tensor a, Tensor b) {
        String termA = p.inputs().get(0), termB = p.inputs().get(1), out = p.output();
        // Letters in one operand only and not in the output are summed before the product.
        String keptA = sumOut(termA, out, termB), keptB = sumOut(termB, out, termA);
        StringBuilder batch = new StringBuilder(), freeA = new StringBuilder(), freeB = new StringBuilder(),
                contracted = new StringBuilder();
        for (char c : keptA.toCharArray()) {
            boolean inB = keptB.indexOf(c) >= 0, inOut = out.indexOf(c) >= 0;
            (inB ? (inOut ? batch : contracted) : freeA).append(c);
        }
        for (char c : keptB.toCharArray()) {
            if (keptA.indexOf(c) < 0) {
                freeB.append(c);
            }
        }
        List<Tensor> temporaries = new ArrayList<>();
        try {
            Tensor sa = track(sum(a, termA, keptA), a, temporaries);
            Tensor sb = track(sum(b, termB, keptB), b, temporaries);
            String orderA = batch + freeA.toString() + contracted, orderB = batch + contracted.toString() + freeB;
            Tensor pa = track(permute(sa, keptA, orderA), sa, temporaries);
            Tensor pb = track(permute(sb, keptB, orderB), sb, temporaries);
            long nb = size(p, batch), m = size(p, freeA), k = size(p, contracted), n = size(p, freeB);
            Tensor ma = track(pa.reshape(nb, m, k), null, temporaries);
            Tensor mb = track(pb.reshape(nb, k, n), null, temporaries);
            Tensor product = track(F.matmul(ma, mb), null, temporaries);
            String order = batch + freeA.toString() + freeB;
            long[] dims = new long[order.length()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = p.sizes().get(order.charAt(i));
            }
            Tensor shaped = product.reshape(dims);
            Tensor result = permute(shaped, order, out);
            if (result != shaped) {
                closeUntracked(shaped);
            }
            return result;
        } finally {
            temporaries.forEach(Einsum::closeUntracked);
        }
    }

    /** The letters of {@code term} that stay: those in the output or in the other operand. */
    private static String sumOut(String term, String output, String other) {
        StringBuilder kept = new StringBuilder();
        for (char c : term.toCharArray()) {
            if (output.indexOf(c) >= 0 || other.indexOf(c) >= 0) {
                kept.append(c);
            }
        }
        return kept.toString();
    }

    /** {@code x} (subscripts {@code term}) summed over the letters not in {@code kept}; x itself if none. */
    private static Tensor sum(Tensor x, String term, String kept) {
        if (kept.length() == term.length()) {
            return x;
        }
        int[] axes = new int[term.length() - kept.length()];
        int next = 0;
        for (int d = 0; d < term.length(); d++) {
            if (kept.indexOf(term.charAt(d)) < 0) {
                axes[next++] = d;
            }
        }
        return F.sum(x, false, axes);
    }

    /** {@code x}, whose dimensions are the letters {@code from}, permuted to the order {@code to}; x if already so. */
    private static Tensor permute(Tensor x, String from, String to) {
        if (from.equals(to)) {
            return x;
        }
        int[] dims = new int[to.length()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = from.indexOf(to.charAt(i));
        }
        return F.permute(x, dims);
    }

    /** The product of the letters' sizes (1 for none). */
    private static long size(Parsed p, CharSequence letters) {
        long n = 1;
        for (int i = 0; i < letters.length(); i++) {
            n *= p.sizes().get(letters.charAt(i));
        }
        return n;
    }

    /** Records {@code t} as a temporary unless it is {@code source} itself (an operand or an earlier step). */
    private static Tensor track(Tensor t, Tensor source, List<Tensor> temporaries) {
        if (t != source) {
            temporaries.add(t);
        }
        return t;
    }

    /** Closes a temporary no graph refers to; one that tracks gradients stays for backward (its scope frees it). */
    private static void closeUntracked(Tensor t) {
        if (!t.requiresGrad()) {
            t.close();
        }
    }
}
