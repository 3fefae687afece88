package org.jdnn.ops;

import org.jdnn.tensor.DType;
import org.jdnn.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.jdnn.tensor.DType.BOOL;
import static org.jdnn.tensor.DType.FLOAT32;
import static org.jdnn.tensor.DType.FLOAT64;
import static org.jdnn.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each op's dtype rule: the default (float32 in, float32 out), the reusable rules, and the messages of refusals. */
class DTypeRuleTest {
    private static Op<NoParams> op(String name, Op.DTypeRule<NoParams> rule, String... inputs) {
        Op.Builder<NoParams> b = Op.<NoParams>declare(name, inputs);
        if (rule != null) {
            b.dtypes(rule);
        }
        return b.shapes((p, in) -> new Shape[] {in[0]});
    }

    private static String refusal(Op<NoParams> op, DType... inputs) {
        return assertThrows(IllegalArgumentException.class, () -> op.outputDTypes(NoParams.INSTANCE, inputs))
                .getMessage();
    }

    @Test
    void theDefaultRuleTakesOneFloatingDTypeAndNamesOpInputAndDType() {
        Op<NoParams> op = op("dtype_test_default", null, "a", "bias?");
        assertArrayEquals(new DType[] {FLOAT32}, op.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32, null}));
        assertArrayEquals(new DType[] {FLOAT64}, op.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT64, FLOAT64}));
        assertEquals("dtype_test_default: bias has dtype int64, expected float32 or float64",
                refusal(op, FLOAT32, INT64));
        assertTrue(refusal(op, FLOAT64, FLOAT32).startsWith(
                "dtype_test_default: a has dtype float64 but bias has dtype float32"));
        assertEquals("dtype_test_default: a is null", refusal(op, null, FLOAT32));
    }

    @Test
    void float32OnlyNamesTheDType() {
        Op<NoParams> op = op("dtype_test_float32", DTypeRules.float32Only(), "a");
        assertEquals("dtype_test_float32: a has dtype float64, only float32 is supported", refusal(op, FLOAT64));
    }

    @Test
    void existingOpsKeepTheDefault() {
        assertArrayEquals(new DType[] {FLOAT32},
                MatmulOps.MATMUL.outputDTypes(MatmulParams.PLAIN, new DType[] {FLOAT32, FLOAT32, null}));
        String message = assertThrows(IllegalArgumentException.class,
                () -> MatmulOps.MATMUL.outputDTypes(MatmulParams.PLAIN, new DType[] {FLOAT32, BOOL, null}))
                .getMessage();
        assertEquals("matmul: b has dtype bool, expected float32 or float64", message);
    }

    @Test
    void sameFloatTakesOneFloatingDTypeAndNamesBothOperandsOfAMix() {
        Op<NoParams> op = op("dtype_test_same_float", DTypeRules.sameFloat(), "a", "b");
        assertArrayEquals(new DType[] {FLOAT64}, op.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT64, FLOAT64}));
        assertArrayEquals(new DType[] {FLOAT32}, op.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32, FLOAT32}));
        String mix = refusal(op, FLOAT32, FLOAT64);
        assertTrue(mix.startsWith("dtype_test_same_float: a has dtype float32 but b has dtype float64, "), mix);
        assertTrue(mix.contains("PyTorch would promote"), mix);
        assertEquals("dtype_test_same_float: b has dtype int64, expected float32 or float64",
                refusal(op, FLOAT32, INT64));
    }

    @Test
    void fixedOutputDTypes() {
        Op<NoParams> argmax = op("dtype_test_argmax", DTypeRules.sameFloatTo(INT64), "input");
        assertArrayEquals(new DType[] {INT64}, argmax.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT64}));
        Op<NoParams> compare = op("dtype_test_compare", DTypeRules.sameTo(DTypeRules.SUPPORTED, BOOL), "a", "b");
        assertArrayEquals(new DType[] {BOOL}, compare.outputDTypes(NoParams.INSTANCE, new DType[] {INT64, INT64}));
        assertTrue(refusal(compare, INT64, BOOL).startsWith("dtype_test_compare: a has dtype int64 but b has dtype bool"));
        Op<NoParams> loss = op("dtype_test_nll", DTypeRules.exactly(new DType[] {FLOAT32, INT64}, FLOAT32),
                "input", "target");
        assertArrayEquals(new DType[] {FLOAT32}, loss.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32, INT64}));
        assertEquals("dtype_test_nll: target has dtype float32, expected int64", refusal(loss, FLOAT32, FLOAT32));
        Op<NoParams> concat = op("dtype_test_concat", DTypeRules.same(Set.of(FLOAT32, INT64, BOOL)), "parts...");
        assertArrayEquals(new DType[] {INT64}, concat.outputDTypes(NoParams.INSTANCE, new DType[] {INT64, INT64, INT64}));
        assertTrue(refusal(concat, INT64, INT64, FLOAT32).contains("parts[2] has dtype float32"));
    }

    @Test
    void oneEntryCoversEveryOutputAndKernelSizedOutputsHaveNone() {
        Op<NoParams> op = Op.<NoParams>declare("dtype_test_outputs", "x").outputs("y", "indices", "workspace")
                .sizedByKernel(2).dtypes((p, in) -> new DType[] {FLOAT32, INT64})
                .shapes((p, in) -> new Shape[] {in[0], in[0], null});
        assertArrayEquals(new DType[] {FLOAT32, INT64, null}, op.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32}));
        Op<NoParams> all = Op.<NoParams>declare("dtype_test_all", "x").outputs("y", "z")
                .shapes((p, in) -> new Shape[] {in[0], in[0]});
        assertArrayEquals(new DType[] {FLOAT32, FLOAT32}, all.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32}));
        Op<NoParams> none = Op.<NoParams>declare("dtype_test_update", "param").outputs().updates(0)
                .shapes((p, in) -> new Shape[0]);
        assertArrayEquals(new DType[0], none.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32}));
        Op<NoParams> broken = Op.<NoParams>declare("dtype_test_broken", "x")
                .dtypes((p, in) -> new DType[] {FLOAT32, FLOAT32, FLOAT32}).shapes((p, in) -> new Shape[] {in[0]});
        assertThrows(IllegalStateException.class, () -> broken.outputDTypes(NoParams.INSTANCE, new DType[] {FLOAT32}));
    }

    @Test
    void aCustomRuleMayThrowItsOwnMessage() {
        Op<NoParams> op = op("dtype_test_custom", (p, in) -> {
            if (in[0] == BOOL) {
                throw new IllegalArgumentException("dtype_test_custom: bool input makes no sense here");
            }
            return new DType[] {in[0]};
        }, "x");
        assertEquals("dtype_test_custom: bool input makes no sense here", refusal(op, BOOL));
        assertArrayEquals(new DType[] {INT64}, op.outputDTypes(NoParams.INSTANCE, new DType[] {INT64}));
    }
}
