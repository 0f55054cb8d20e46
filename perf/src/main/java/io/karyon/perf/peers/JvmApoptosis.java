package io.karyon.perf.peers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W5 on plain JVM objects: a cell that finds its state corrupt throws; the mailbox loop hands the exception to the
 * cell's supervisor object, which resets the cell to its initial state and counts the restart.
 */
final class JvmApoptosis implements W5Peer.Cells
{
    /** The message that makes a cell find its state corrupt. */
    static final Object CORRUPT = new Object();

    /**
     * A ping.
     *
     * @param answered counted down by a cell with sound state.
     */
    record Ping(CountDownLatch answered)
    {
    }

    /**
     * Restarts the cells it supervises and counts the restarts.
     */
    static final class Supervisor
    {
        private final AtomicLong restarts;
        private final JvmApoptosis owner;

        Supervisor(final JvmApoptosis owner, final AtomicLong restarts)
        {
            this.owner = owner;
            this.restarts = restarts;
        }

        void restart(final Cell cell)
        {
            cell.corrupt = false;
            cell.answered = 0;
            restarts.incrementAndGet();
            owner.restarted.countDown();
        }
    }

    /**
     * A supervised cell.
     */
    static final class Cell extends JvmCell
    {
        final Supervisor supervisor;
        final AtomicLong deaths;
        boolean corrupt;
        long answered;

        Cell(final JvmObjects system, final Supervisor supervisor, final AtomicLong deaths)
        {
            super(system);
            this.supervisor = supervisor;
            this.deaths = deaths;
        }

        void receive(final Object message)
        {
            if (CORRUPT == message)
            {
                corrupt = true;
                deaths.incrementAndGet();
                throw new IllegalStateException("corrupt state");
            }
            if (!corrupt)
            {
                answered++;
                ((Ping)message).answered().countDown();
            }
        }

        void onFailure(final RuntimeException ex)
        {
            supervisor.restart(this);
        }
    }

    private final AtomicLong deaths = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile CountDownLatch restarted = new CountDownLatch(0);
    private JvmObjects system;
    private Cell[] cells;

    public void start(final int n, final int workers)
    {
        system = new JvmObjects(W5Peer.ID, workers);
        cells = new Cell[n];
        Supervisor supervisor = null;
        for (int i = 0; i < n; i++)
        {
            if (0 == i % W5Peer.CHILDREN_PER_SUPERVISOR)
            {
                supervisor = new Supervisor(this, restarts);
            }
            cells[i] = new Cell(system, supervisor, deaths);
        }
    }

    public void expectRestarts(final CountDownLatch restarted)
    {
        this.restarted = restarted;
    }

    public void corrupt(final int[] chosen, final int count)
    {
        for (int c = 0; c < count; c++)
        {
            cells[chosen[c]].tell(CORRUPT);
        }
    }

    public void pingAll(final CountDownLatch answered)
    {
        final Ping ping = new Ping(answered);
        for (final Cell cell : cells)
        {
            cell.tell(ping);
        }
    }

    public long deaths()
    {
        system.check();
        return deaths.get();
    }

    public long restarts()
    {
        return restarts.get();
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
