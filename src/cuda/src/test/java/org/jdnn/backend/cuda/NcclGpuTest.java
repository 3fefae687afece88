package org.jdnn.backend.cuda;

import org.jdnn.backend.DeviceCollectives;
import org.jdnn.backend.DeviceCommunicator;
import org.jdnn.natives.cuda.GpuAssumptions;
import org.jdnn.tensor.Device;
import org.jdnn.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NCCL on a real GPU, one rank (a communicator of one: NCCL refuses two ranks of one communicator on one GPU; the
 * two-rank training run is {@code CudaDistributedTrainingTest} in src/cli): the service is found, rank 0 creates the
 * id and joins, ncclAllReduce and ncclBroadcast run in place on the thread's stream after the work queued there, and
 * close finalizes. Skipped with the reason where CUDA or NCCL is unavailable.
 */
@Tag("gpu")
class NcclGpuTest {
    private static final Device CUDA = Device.cuda(0);

    @BeforeEach
    void nccl() {
        GpuAssumptions.assumeCuda();
        Optional<String> reason = new NcclCollectives().unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "NCCL unavailable: " + reason.orElse(""));
    }

    @Test
    void theServiceForCudaIsNccl() {
        assertInstanceOf(NcclCollectives.class, DeviceCollectives.forKind(Device.Kind.CUDA).orElseThrow());
    }

    @Test
    void aOneRankCommunicatorSumsAndBroadcastsInPlaceAfterTheQueuedWork() {
        byte[][] exchanged = new byte[1][];
        try (DeviceCommunicator comm = new NcclCollectives().connect(CUDA, 0, 1, id -> exchanged[0] = id.clone(),
                Duration.ofSeconds(60));
             Tensor x = Tensor.of(1.5f, -2f, 3f, 1e-3f, 7f).to(CUDA);
             Tensor doubled = x.mul(2f)) {
            assertEquals(NcclCommunicator.ID_BYTES, exchanged[0].length);
            assertEquals(false, java.util.Arrays.equals(new byte[exchanged[0].length], exchanged[0]),
                    "rank 0's ncclGetUniqueId filled the id");

            comm.allReduceSum(doubled); // queued after the multiply on this thread's stream
            comm.await();
            assertArrayEquals(new float[]{3f, -4f, 6f, 2e-3f, 14f}, doubled.toFloatArray(), 0f);

            comm.broadcast(doubled, 0);
            comm.await();
            assertArrayEquals(new float[]{3f, -4f, 6f, 2e-3f, 14f}, doubled.toFloatArray(), 0f);
        }
    }

    @Test
    void aBroadcastFromARankOutsideTheGroupIsRefusedBeforeNccl() {
        try (DeviceCommunicator comm = new NcclCollectives().connect(CUDA, 0, 1, id -> { }, Duration.ofSeconds(60));
             Tensor x = Tensor.zeros(Device.CPU, 3).to(CUDA)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> comm.broadcast(x, 1));
            assertEquals("NCCL broadcast: root 1 is not a rank of 1", e.getMessage());
        }
    }
}
