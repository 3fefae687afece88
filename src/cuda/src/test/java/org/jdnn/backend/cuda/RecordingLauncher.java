package org.jdnn.backend.cuda;

import org.jdnn.ops.AdagradParams;
import org.jdnn.ops.AdamParams;
import org.jdnn.ops.BinaryAlgorithm;
import org.jdnn.ops.CompareAlgorithm;
import org.jdnn.ops.DropoutParams;
import org.jdnn.ops.EltwiseParams;
import org.jdnn.ops.LogicalAlgorithm;
import org.jdnn.ops.RmspropParams;
import org.jdnn.ops.SgdParams;
import org.jdnn.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** A {@link KernelLauncher} that records each launch (name, geometry, each argument's bytes) instead of running it. */
final class RecordingLauncher implements KernelLauncher {
    /** One recorded launch; {@code arguments[i]} holds the bytes argument i's pointer pointed to. */
    record Launch(String kernel, LaunchGeometry geometry, MemorySegment stream, List<byte[]> arguments) {
    }

    final List<Launch> launches = new ArrayList<>();

    @Override
    public void launch(String kernel, LaunchGeometry geometry, MemorySegment stream, KernelArguments arguments) {
        MemorySegment packed = arguments.pack();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < arguments.count(); i++) {
            MemorySegment value = packed.getAtIndex(ADDRESS, i).reinterpret(arguments.value(i).byteSize());
            values.add(value.toArray(JAVA_BYTE));
        }
        launches.add(new Launch(kernel, geometry, stream, values));
    }

    Launch last() {
        return launches.getLast();
    }

    /** Every kernel name CompiledKernels launches, found by calling each of its methods for each dtype it takes. */
    static Set<String> everyKernelName() {
        RecordingLauncher recorder = new RecordingLauncher();
        CompiledKernels k = new CompiledKernels(recorder);
        MemorySegment p = MemorySegment.NULL;
        List<DType> floats = List.of(DType.FLOAT32, DType.FLOAT64);
        List<DType> all = List.of(DType.FLOAT32, DType.FLOAT64, DType.INT64, DType.BOOL);
        BroadcastShape shape = BroadcastShape.contiguous(new long[] {4}, new long[] {4}, new long[] {4},
                new long[] {4});
        ReductionShape reduction = ReductionShape.of(new long[] {2, 3}, 1);
        for (DType d : floats) {
            k.unary(p, d, EltwiseParams.relu(), 1, p, p);
            k.unaryBackward(p, d, EltwiseParams.relu(), 1, p, p, p);
            k.logClamped(p, d, -100f, 1, p, p);
            k.logClampedBackward(p, d, -100f, 1, p, p, p);
            k.sign(p, d, 1, p, p);
            k.abs(p, d, 1, p, p);
            k.binary(p, d, BinaryAlgorithm.ADD, shape, p, p, p);
            k.binaryScalar(p, d, BinaryAlgorithm.ADD, 1f, 1, p, p);
            k.pow(p, d, shape, p, p, p);
            k.powBackward(p, d, 0, shape, p, p, p, p);
            k.reduceSum(p, d, reduction, false, p, p);
            k.reduceMax(p, d, reduction, p, p);
            k.reduceMaxBackward(p, d, reduction, p, p, p);
            k.sgdStep(p, d, SgdConstants.of(SgdParams.of(0.1), true), 1, p, p, p);
            k.adamStep(p, d, AdamConstants.of(AdamParams.adam(0.1), 1), 1, p, p, p, p, p);
            k.adagradStep(p, d, AdagradConstants.of(AdagradParams.of(0.1), 1), 1, p, p, p);
            k.rmspropStep(p, d, RmspropConstants.of(RmspropParams.of(0.1)), 1, p, p, p, p, p);
            k.dropout(p, d, new DropoutParams(0.5f, true, 1), 1, p, p);
        }
        k.dropoutMask(p, new DropoutParams(0.5f, true, 1), 1, p);
        for (DType d : all) {
            k.compare(p, d, CompareAlgorithm.EQ, shape, p, p, p);
            k.logical(p, d, LogicalAlgorithm.AND, shape, p, p, p);
            k.logicalNot(p, d, 1, p, p);
            k.where(p, d, shape, p, p, p, p);
            k.copyStrided(p, d, shape, p, p);
            k.fill(p, d, 1, 1, p);
            if (d != DType.BOOL) {
                k.argMax(p, d, 1, 2, 1, p, p, p);
                k.argMin(p, d, 1, 2, 1, p, p, p);
            }
            for (DType to : all) {
                if (to != d) {
                    k.cast(p, d, to, 1, p, p);
                }
            }
        }
        Set<String> names = new TreeSet<>();
        recorder.launches.forEach(l -> names.add(l.kernel()));
        return names;
    }
}
