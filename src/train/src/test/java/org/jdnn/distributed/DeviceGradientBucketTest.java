package org.jdnn.distributed;

import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.jdnn.tensor.Transfers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device path of DistributedDataParallel's buckets on the {@code sim} device, against a communicator that plays
 * a second rank: the gradients are packed into one flat device tensor, summed once, averaged and unpacked on the
 * device, in the order and at the offsets the bucket gives them.
 */
class DeviceGradientBucketTest {
    /** Two ranks: this one and a peer whose flat gradient is {@code peer}; records what it was asked to do. */
    private static final class TwoRanks implements DeviceCommunicator {
        final float[] peer;
        final List<String> calls = new ArrayList<>();
        float[] reduced;

        TwoRanks(float... peer) {
            this.peer = peer;
        }

        @Override
        public Device device() {
            return Device.SIM;
        }

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int worldSize() {
            return 2;
        }

        @Override
        public void allReduceSum(Tensor tensor) {
            reduced = tensor.toFloatArray();
            calls.add("allReduceSum " + tensor.device() + " " + tensor.shape());
            try (Tensor other = Tensor.of(peer).to(Device.SIM); Tensor sum = tensor.add(other)) {
                tensor.copyFrom(sum);
            }
        }

        @Override
        public void broadcast(Tensor tensor, int root) {
            throw new AssertionError("no broadcast expected");
        }

        @Override
        public void await() {
            calls.add("await");
        }

        @Override
        public void close() {
        }
    }

    /** A parameter on sim whose gradient is {@code grad}: the gradient of sum(p * grad). */
    private static Tensor parameterWithGradient(float[] grad, long... shape) {
        Tensor p = Tensor.zeros(Device.SIM, shape).requiresGrad(true);
        try (Tensor g = Tensor.of(grad, shape).to(Device.SIM); Tensor loss = p.mul(g).sum()) {
            loss.backward();
        }
        return p;
    }

    @Test
    void gradientsArePackedSummedOnceAndAveragedOnTheDevice() {
        Tensor weight = parameterWithGradient(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor bias = parameterWithGradient(new float[]{10, 20}, 2);
        LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
        parameters.put("fc.bias", bias);
        parameters.put("fc.weight", weight);
        TwoRanks ranks = new TwoRanks(30, 40, 7, 6, 5, 4, 3, 2);
        List<String> awaited = new ArrayList<>();
        try (DeviceGradientBucket bucket = new DeviceGradientBucket(parameters, Device.SIM, ranks,
                () -> awaited.add("group.await"))) {
            assertEquals(8, bucket.count());
            Transfers.Counts before = Transfers.counts();

            assertFalse(bucket.add(1), "weight first: the bias is still missing");
            assertEquals(List.of("fc.bias"), bucket.missing());
            assertTrue(bucket.add(0), "the bias completes the bucket");
            bucket.start();
            bucket.finish();
            Transfers.Counts moved = Transfers.counts().since(before);

            assertArrayEquals(new float[]{10, 20, 1, 2, 3, 4, 5, 6}, ranks.reduced,
                    "the flat buffer: bias at offset 0, weight at offset 2");
            assertEquals(List.of("allReduceSum sim [8]"), ranks.calls);
            assertEquals(List.of("group.await"), awaited, "the end of backward waits through the process group");
            assertArrayEquals(new float[]{20, 30}, bias.grad().toFloatArray(), "(10 + 30) / 2, (20 + 40) / 2");
            assertArrayEquals(new float[]{4, 4, 4, 4, 4, 4}, weight.grad().toFloatArray(),
                    "(own + peer) / 2: " + Arrays.toString(weight.grad().toFloatArray()));
            assertEquals(Device.SIM, weight.grad().device());
            assertEquals(1, moved.deviceToHost(), "only the fake's read of the buffer left the device: " + moved);
            assertEquals(1, moved.hostToDevice(), "only the fake's peer gradients came from the host: " + moved);
            assertEquals(List.of("fc.bias", "fc.weight"), bucket.missing(), "reset for the next pass");
        } finally {
            weight.close();
            bias.close();
        }
    }
}
