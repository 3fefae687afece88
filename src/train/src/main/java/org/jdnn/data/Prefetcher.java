package org.jdnn.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One epoch of a {@link DataLoader} assembled on a background thread, at most {@code pool.length - 1}
 * batches ahead of the one the reader holds.
 *
 * <p>Full batches cycle through a fixed pool: the thread takes a free one, fills it and queues it; the
 * reader hands a batch back when it asks for the next one (a batch stays valid until then, as without
 * prefetching). The final partial batch has its own buffer. Nothing here allocates per batch, and the
 * thread creates no tensors: the reader makes them from the batch, in its own scope.
 */
final class Prefetcher implements Runnable {
    /** What the thread queues instead of a batch when assembling one threw. */
    private record Failure(int batchIndex, Throwable cause) {
    }

    /** What stop() queues last, so that a reader waiting on another thread wakes up. */
    private static final Object STOPPED = new Object();

    private final BatchAssembler assembler;
    private final int[] order;
    private final int epoch;
    private final int batches;
    private final int batchSize;
    private final Batch partial;
    private final BlockingQueue<Batch> free;
    private final BlockingQueue<Object> ready;
    private final Thread thread;
    private volatile boolean stopping;
    private Batch held;

    /**
     * @param pool    the full-size batches to cycle through (at least one)
     * @param partial the buffer of the final, smaller batch, or null when there is none
     */
    Prefetcher(BatchAssembler assembler, int[] order, int epoch, int batches, int batchSize, Batch[] pool, Batch partial) {
        this.assembler = assembler;
        this.order = order;
        this.epoch = epoch;
        this.batches = batches;
        this.batchSize = batchSize;
        this.partial = partial;
        this.free = new ArrayBlockingQueue<>(pool.length);
        for (Batch b : pool) {
            free.add(b);
        }
        // Room for every pooled batch, the partial one, a failure and STOPPED: the thread never blocks on it.
        this.ready = new ArrayBlockingQueue<>(pool.length + 3);
        this.thread = Thread.ofPlatform().daemon().name("jdnn-data-prefetch-epoch-" + epoch).unstarted(this);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        int b = 0;
        try {
            for (; b < batches; b++) {
                int start = b * batchSize;
                int size = Math.min(batchSize, order.length - start);
                Batch batch = size == batchSize ? free.take() : partial;
                assembler.fill(batch, order, start, epoch);
                ready.put(batch);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stop() was called: the epoch was abandoned.
        } catch (Throwable t) {
            if (!stopping) { // what the interrupt of stop() made a dataset read throw is no failure
                ready.offer(new Failure(b, t));
            }
        }
    }

    /**
     * The next batch, waiting for the thread if it is behind; hands back the batch returned before.
     * @param index which batch of the epoch the reader expects (for messages)
     */
    Batch next(int index) {
        if (held != null && held != partial) {
            free.add(held);
        }
        held = null;
        Object item;
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + index + " of epoch "
                    + epoch, e);
        }
        if (item == STOPPED) {
            ready.offer(item);
            throw new IllegalStateException("DataLoader: epoch " + epoch + " was stopped while waiting for batch "
                    + index + " (the loader was closed)");
        }
        if (item instanceof Failure(int batchIndex, Throwable cause)) {
            ready.offer(item); // later calls fail the same way
            throw new DataLoaderException("DataLoader: the prefetch thread failed assembling batch " + batchIndex
                    + " of " + batches + " of epoch " + epoch + ": " + cause, cause);
        }
        held = (Batch) item;
        return held;
    }

    /** Stops the thread and waits for it: afterwards no buffer of this epoch is being written. */
    void stop() {
        stopping = true;
        thread.interrupt();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting: buffers must not be reused while the thread may write them
            }
        }
        ready.offer(STOPPED);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
