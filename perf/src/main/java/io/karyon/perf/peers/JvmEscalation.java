package io.karyon.perf.peers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * W5x on plain JVM objects: the supervisor objects of {@link JvmApoptosis} given an intensity window and a parent, as
 * a Java developer adds them. A cell that finds its state corrupt throws; the mailbox loop tells its supervisor, itself
 * a cell with a mailbox, so that one thread at a time counts its children's deaths. The supervisor keeps the times of
 * its last {@code INTENSITY} restarts: a death with all of them within {@code PERIOD} makes it give up (it stops its
 * cells and tells its parent); otherwise it tells the dead cell to restart from its initial state. The parent, also a
 * cell, restarts a supervisor that gave up: the supervisor forgets its restarts and starts a new set of cells.
 */
final class JvmEscalation implements W5xPeer.Tree
{
    private static final long PERIOD_NS = W5xPeer.PERIOD.toNanos();

    /** Makes a cell find its state corrupt. */
    private static final Object CORRUPT = new Object();
    /** Tells a dead cell to start again from its initial state. */
    private static final Object RESTART = new Object();
    /** Tells a cell its supervisor gave up: it stops for good. */
    private static final Object STOP = new Object();
    /** Tells a supervisor to start over: sent by its parent. */
    private static final Object START_OVER = new Object();

    /**
     * A ping, answered by every live cell.
     *
     * @param answered counted down by each.
     */
    record Ping(CountDownLatch answered)
    {
    }

    /**
     * A cell's death, to its supervisor.
     *
     * @param cell the dead cell.
     */
    record Died(Cell cell)
    {
    }

    /**
     * Tells a supervisor to make its cells die, more than it allows.
     *
     * @param deaths how many.
     */
    record Exceed(int deaths)
    {
    }

    /**
     * A supervisor that gave up, to its parent.
     *
     * @param supervisor the supervisor.
     */
    record GaveUp(Supervisor supervisor)
    {
    }

    /**
     * A supervised cell.
     */
    final class Cell extends JvmCell
    {
        final Supervisor supervisor;
        final int index;
        boolean dead;
        boolean stopped;

        Cell(final Supervisor supervisor, final int index)
        {
            super(system);
            this.supervisor = supervisor;
            this.index = index;
            started(index);
        }

        void receive(final Object message)
        {
            if (stopped)
            {
                return;
            }
            if (CORRUPT == message)
            {
                dead = true;
                throw new IllegalStateException("corrupt state");
            }
            if (RESTART == message)
            {
                dead = false;
                started(index);
            }
            else if (STOP == message)
            {
                stopped = true;
            }
            else if (!dead)
            {
                ((Ping)message).answered().countDown();
            }
        }

        void onFailure(final RuntimeException ex)
        {
            supervisor.tell(new Died(this));
        }
    }

    /**
     * Restarts its cells, at most {@code INTENSITY} times within {@code PERIOD}, and gives up beyond that.
     */
    final class Supervisor extends JvmCell
    {
        private final Parent parent;
        private final int first;
        private final int count;
        private final long[] restartNs = new long[W5xPeer.INTENSITY];
        private int restarts;
        private boolean gaveUp;
        private Cell[] cells;

        Supervisor(final Parent parent, final int first, final int count)
        {
            super(system);
            this.parent = parent;
            this.first = first;
            this.count = count;
            startCells();
        }

        private void startCells()
        {
            restarts = 0;
            gaveUp = false;
            final Cell[] fresh = new Cell[count];
            for (int c = 0; c < count; c++)
            {
                fresh[c] = new Cell(this, first + c);
            }
            cells = fresh;
        }

        void receive(final Object message)
        {
            if (message instanceof Died died)
            {
                // A death of a cell from before a restart, or after giving up, is nothing more to act on.
                if (!gaveUp && cells[died.cell().index - first] == died.cell())
                {
                    onDeath(died.cell());
                }
            }
            else if (message instanceof Ping)
            {
                for (final Cell cell : cells)
                {
                    cell.tell(message);
                }
            }
            else if (message instanceof Exceed exceed)
            {
                for (int k = 0; k < exceed.deaths(); k++)
                {
                    cells[k % count].tell(CORRUPT);
                }
            }
            else if (START_OVER == message)
            {
                startCells();
            }
        }

        private void onDeath(final Cell cell)
        {
            final long nowNs = System.nanoTime();
            final int slot = restarts % restartNs.length;
            if (restarts >= restartNs.length && nowNs - restartNs[slot] <= PERIOD_NS)
            {
                for (final Cell stopping : cells)
                {
                    stopping.tell(STOP);
                }
                gaveUp = true;
                parent.tell(new GaveUp(this));
                return;
            }
            restartNs[slot] = nowNs;
            restarts++;
            cell.tell(RESTART);
        }
    }

    /**
     * Restarts the supervisors that give up.
     */
    final class Parent extends JvmCell
    {
        Parent()
        {
            super(system);
        }

        void receive(final Object message)
        {
            final Supervisor supervisor = ((GaveUp)message).supervisor();
            escalations.incrementAndGet();
            supervisor.tell(START_OVER);
        }
    }

    private final AtomicLong starts = new AtomicLong();
    private final AtomicLong escalations = new AtomicLong();
    private final AtomicLong incarnationIds = new AtomicLong();
    private volatile CountDownLatch started = new CountDownLatch(0);
    private AtomicLongArray incarnations;
    private JvmObjects system;
    private Supervisor[] supervisors;

    private void started(final int cell)
    {
        incarnations.set(cell, incarnationIds.incrementAndGet());
        starts.incrementAndGet();
        started.countDown();
    }

    public void start(final int n, final int workers)
    {
        system = new JvmObjects(W5xPeer.ID, workers);
        incarnations = new AtomicLongArray(n);
        final int children = W5xPeer.CHILDREN_PER_SUPERVISOR;
        supervisors = new Supervisor[(n + children - 1) / children];
        Parent parent = null;
        for (int s = 0; s < supervisors.length; s++)
        {
            if (0 == s % W5xPeer.SUPERVISORS_PER_PARENT)
            {
                parent = new Parent();
            }
            supervisors[s] = new Supervisor(parent, s * children, Math.min(children, n - s * children));
        }
    }

    public void expectStarts(final CountDownLatch started)
    {
        this.started = started;
    }

    public void exceed(final int supervisor)
    {
        supervisors[supervisor].tell(new Exceed(W5xPeer.INTENSITY + 1));
    }

    public void pingAll(final CountDownLatch answered)
    {
        final Ping ping = new Ping(answered);
        for (final Supervisor supervisor : supervisors)
        {
            supervisor.tell(ping);
        }
    }

    public long incarnation(final int cell)
    {
        return incarnations.get(cell);
    }

    public long starts()
    {
        system.check();
        return starts.get();
    }

    public long escalations()
    {
        return escalations.get();
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
