package org.jdnn.distributed;

/**
 * Options of {@link DistributedDataParallel}, with PyTorch's defaults.
 *
 * @param bucketCapBytes   the most gradient bytes reduced in one all-reduce (PyTorch's {@code bucket_cap_mb = 25});
 *                         buckets fill in the order gradients become ready (the reverse of registration order),
 *                         and each starts reducing as soon as its last gradient is in, while backward goes on
 * @param firstBucketBytes the cap of the first bucket (PyTorch's 1 MiB): the last layers' gradients are ready first,
 *                         and a small first bucket starts communication early
 * @param broadcastBuffers copy rank 0's buffers (batch-norm running statistics) to every rank before each forward in
 *                         training mode, as PyTorch's {@code broadcast_buffers = True}; batch statistics themselves are
 *                         per rank (the mean and variance of the rank's own batch) unless {@code syncBatchNorm}
 * @param syncBatchNorm    every batch norm of the module normalises with the statistics of the global batch, summed
 *                         over the ranks in forward and backward (PyTorch's {@code SyncBatchNorm}; see
 *                         {@link org.jdnn.nn.BatchNorm#synchronizeStatistics}): what one process would compute on the
 *                         whole batch, at the cost of three small all-reduces per layer forward and two backward
 */
public record DdpOptions(long bucketCapBytes, long firstBucketBytes, boolean broadcastBuffers, boolean syncBatchNorm) {
    public static final long DEFAULT_BUCKET_CAP_BYTES = 25L << 20;
    public static final long DEFAULT_FIRST_BUCKET_BYTES = 1L << 20;

    public DdpOptions {
        if (bucketCapBytes < 4) {
            throw new IllegalArgumentException("DdpOptions: bucketCapBytes " + bucketCapBytes + " must hold one float");
        }
        if (firstBucketBytes < 4) {
            throw new IllegalArgumentException("DdpOptions: firstBucketBytes " + firstBucketBytes + " must hold one float");
        }
    }

    public static DdpOptions defaults() {
        return new DdpOptions(DEFAULT_BUCKET_CAP_BYTES, DEFAULT_FIRST_BUCKET_BYTES, true, false);
    }

    public DdpOptions withBucketCapBytes(long bytes) {
        return new DdpOptions(bytes, Math.min(firstBucketBytes, bytes), broadcastBuffers, syncBatchNorm);
    }

    public DdpOptions withBroadcastBuffers(boolean broadcast) {
        return new DdpOptions(bucketCapBytes, firstBucketBytes, broadcast, syncBatchNorm);
    }

    public DdpOptions withSyncBatchNorm(boolean sync) {
        return new DdpOptions(bucketCapBytes, firstBucketBytes, broadcastBuffers, sync);
    }
}
