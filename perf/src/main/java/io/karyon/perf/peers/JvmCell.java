package io.karyon.perf.peers;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cell of the {@code jvm-objects} peer, written as a Java developer writes it first: an object with its state in
 * fields, a {@link ConcurrentLinkedQueue} mailbox, and a flag so that only one pool thread runs it at a time. A
 * {@link #tell(Object)} queues the message and, if the cell was idle, submits it to the pool, which drains its
 * mailbox.
 */
abstract class JvmCell implements Runnable
{
    private final ConcurrentLinkedQueue<Object> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final JvmObjects system;

    JvmCell(final JvmObjects system)
    {
        this.system = system;
    }

    /**
     * Sends a message to this cell, from any thread.
     */
    final void tell(final Object message)
    {
        mailbox.add(message);
        if (scheduled.compareAndSet(false, true))
        {
            system.pool.execute(this);
        }
    }

    public final void run()
    {
        Object message;
        while (null != (message = mailbox.poll()))
        {
            try
            {
                receive(message);
            }
            catch (final RuntimeException ex)
            {
                onFailure(ex);
            }
            catch (final Throwable ex)
            {
                system.failed(ex);
            }
        }
        scheduled.set(false);
        if (!mailbox.isEmpty() && scheduled.compareAndSet(false, true))
        {
            system.pool.execute(this);
        }
    }

    abstract void receive(Object message);

    /**
     * What happens when {@link #receive(Object)} throws: by default the run fails.
     */
    void onFailure(final RuntimeException ex)
    {
        system.failed(ex);
    }
}
