package org.jdnn.distributed;

import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.tensor.DType;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.ElementCopy;
import org.jdnn.tensor.Scope;
import org.jdnn.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A {@link GradientBucket} of device gradients (e.g. on cuda:0) in a flat float32 tensor on the same device, summed in
 * place by the device's all-reduce (ncclAllReduce on the gradients' stream): nothing crosses to the host. Packing and
 * unpacking are device copies; the average is one device multiply by 1 / worldSize.
 */
final class DeviceGradientBucket extends GradientBucket {
    private final DeviceCommunicator communicator;
    private final Runnable await;
    private final Tensor flat;

    /**
     * @param await waits for the communicator's queued work (the process group's, which ends the job on a timeout)
     */
    DeviceGradientBucket(Map<String, Tensor> parameters, Device device, DeviceCommunicator communicator,
                         Runnable await) {
        super(parameters);
        this.communicator = communicator;
        this.await = await;
        long count = Math.max(1, count());
        this.flat = Scope.untracked(() -> Tensor.zeros(DType.FLOAT32, device, count));
    }

    @Override
    void pack(Tensor grad, long offset) {
        ElementCopy.copy(grad, 0, flat, offset, grad.numel());
    }

    @Override
    void startReduction() {
        communicator.allReduceSum(flat);
    }

    @Override
    void finishReduction(List<Tensor> grads, long[] offsets) {
        // The device's queue already orders the copies below after the sum; waiting here bounds a hung peer by the
        // timeout instead of leaving it to the next host read.
        await.run();
        float scale = 1f / communicator.worldSize();
        try (Tensor averaged = Scope.untracked(() -> flat.mul(scale))) {
            for (int i = 0; i < grads.size(); i++) {
                Tensor grad = grads.get(i);
                ElementCopy.copy(averaged, offsets[i], grad, 0, grad.numel());
            }
        }
    }

    @Override
    public void close() {
        flat.close();
    }
}
