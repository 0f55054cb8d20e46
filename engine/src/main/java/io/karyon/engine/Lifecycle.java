package io.karyon.engine;

/**
 * Where an organism is in its life, and the checks each call of the driver makes against it: open or closed (after
 * which its memory is gone), stopped or running free (while the workers own every cell, counter and restart table),
 * and usable or stopped for good after a worker failed or a top-level supervisor gave up.
 * <p>
 * <b>Note:</b> not threadsafe; only the driver calls it.
 */
final class Lifecycle
{
    private final Workforce workforce;
    private boolean closed;

    Lifecycle(final Workforce workforce)
    {
        this.workforce = workforce;
    }

    /**
     * Marks it closed.
     *
     * @return false if it was closed already.
     */
    boolean close()
    {
        final boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    /**
     * @throws IllegalStateException if closed.
     */
    void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("organism is closed");
        }
    }

    /**
     * For reads of what the workers own: open and stopped.
     *
     * @throws IllegalStateException if closed or running free.
     */
    void ensureReadable()
    {
        ensureOpen();
        ensureStopped();
    }

    /**
     * For changes and runs: open, stopped, and not stopped for good.
     *
     * @throws IllegalStateException if closed, running free or stopped after a failure.
     */
    void ensureUsable()
    {
        ensureOpen();
        final KaryonException failure = workforce.failure();
        if (null != failure)
        {
            throw new IllegalStateException("organism stopped after a worker failed: " + failure.getMessage(), failure);
        }
        ensureStopped();
    }

    /**
     * @throws IllegalStateException if running free.
     */
    void ensureStopped()
    {
        if (workforce.isStarted())
        {
            throw new IllegalStateException("organism is running free: stop() it first");
        }
    }
}
