package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;

import java.util.concurrent.CountDownLatch;

/**
 * W3 on plain JVM objects: each cell holds x in a field; a tick is one shared message object told to every cell.
 */
final class JvmTick implements W3Peer.Cells
{
    /**
     * One tick, told to every cell.
     *
     * @param done counted down by each cell once it has stepped.
     */
    record Tick(CountDownLatch done)
    {
    }

    /**
     * A logistic cell.
     */
    static final class Cell extends JvmCell
    {
        double x;

        Cell(final JvmObjects system, final double x)
        {
            super(system);
            this.x = x;
        }

        void receive(final Object message)
        {
            x = 3.9 * x * (1.0 - x);
            ((Tick)message).done().countDown();
        }
    }

    private JvmObjects system;
    private Cell[] cells;

    public void start(final int n, final long seed, final int workers)
    {
        system = new JvmObjects(W3Peer.ID, workers);
        cells = new Cell[n];
        for (int i = 0; i < n; i++)
        {
            cells[i] = new Cell(system, BenchParams.unitOpen(seed, i));
        }
    }

    public void tick(final CountDownLatch done)
    {
        final Tick tick = new Tick(done);
        for (final Cell cell : cells)
        {
            cell.tell(tick);
        }
    }

    public double x(final int i)
    {
        system.check();
        return cells[i].x;
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
