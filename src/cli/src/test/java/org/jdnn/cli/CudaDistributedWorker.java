package org.jdnn.cli;

import org.jdnn.Jdnn;
import org.jdnn.distributed.DdpOptions;
import org.jdnn.distributed.DistributedDataParallel;
import org.jdnn.distributed.ProcessGroup;
import org.jdnn.loss.Losses;
import org.jdnn.nn.Linear;
import org.jdnn.nn.Module;
import org.jdnn.nn.ReLU;
import org.jdnn.nn.Sequential;
import org.jdnn.ops.AdamParams;
import org.jdnn.optim.Adam;
import org.jdnn.optim.Optimizer;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The program {@link CudaDistributedTrainingTest} starts under mpirun, each rank on its own GPU (ci/rank-gpu.sh):
 * {@code STEPS OUT} trains a small MLP on cuda:0 for STEPS steps of a global batch of 8 samples, each rank on its
 * share, with Adam, through DistributedDataParallel (NCCL); rank 0 writes the parameters to OUT.
 */
public final class CudaDistributedWorker {
    static final int GLOBAL_BATCH = 8;
    static final int FEATURES = 12;
    static final int CLASSES = 4;

    public static void main(String[] args) throws Exception {
        Jdnn.setNumThreads(1);
        ProcessGroup group = ProcessGroup.init();
        int steps = Integer.parseInt(args[0]);
        Path out = Path.of(args[1]);
        Device cuda = Device.cuda(0);
        int share = GLOBAL_BATCH / group.worldSize();
        SplittableRandom init = new SplittableRandom(42 + group.rank()); // DDP must replace rank 1's with rank 0's
        Module model = new Sequential(new Linear(FEATURES, 16, true, init), new ReLU(), new Linear(16, CLASSES, true, init));
        model.to(cuda);
        // Small buckets: several ncclAllReduce calls per backward.
        try (DistributedDataParallel ddp = new DistributedDataParallel(model, group,
                DdpOptions.defaults().withBucketCapBytes(600));
             Optimizer optimizer = new Adam(ddp.parameters(), new AdamParams(0.01, 0.9, 0.999, 1e-8, 0, false))) {
            for (int step = 0; step < steps; step++) {
                try (Scope scope = Scope.open()) {
                    SplittableRandom data = new SplittableRandom(1000 + step);
                    float[] x = new float[GLOBAL_BATCH * FEATURES];
                    int[] y = new int[GLOBAL_BATCH];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) data.nextGaussian();
                    }
                    for (int i = 0; i < y.length; i++) {
                        y[i] = data.nextInt(CLASSES);
                    }
                    float[] myX = Arrays.copyOfRange(x, group.rank() * share * FEATURES, (group.rank() + 1) * share * FEATURES);
                    int[] myY = Arrays.copyOfRange(y, group.rank() * share, (group.rank() + 1) * share);
                    optimizer.zeroGrad();
                    Losses.crossEntropy(ddp.call(Tensor.of(myX, share, FEATURES).to(cuda)), myY).backward();
                    optimizer.step();
                }
            }
            if (group.isMain()) {
                try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(out))) {
                    for (Map.Entry<String, Tensor> e : ddp.module().stateDict().entrySet()) {
                        o.writeUTF(e.getKey());
                        float[] values = e.getValue().toFloatArray();
                        o.writeInt(values.length);
                        for (float v : values) {
                            o.writeFloat(v);
                        }
                    }
                }
            }
        }
        group.finish();
    }
}
