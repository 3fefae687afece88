package org.jdnn.tensor;

/**
 * Removes a registered hook, as PyTorch's {@code torch.utils.hooks.RemovableHandle}: {@link #remove()} (or
 * {@link #close()}, so a hook can live for a try-with-resources block) unregisters it; removing twice does nothing.
 */
public final class RemovableHandle implements AutoCloseable {
    private Runnable removal;

    /** A handle that runs {@code removal} once, on the first {@link #remove()}. */
    public RemovableHandle(Runnable removal) {
        this.removal = removal;
    }

    /** Unregisters the hook; idempotent. */
    public synchronized void remove() {
        Runnable r = removal;
        removal = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public void close() {
        remove();
    }
}
