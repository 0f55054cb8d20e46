package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;

/**
 * W1 on plain JVM objects: one {@link JvmCell} per cell holding its 8 longs in a {@code long[]}, kept in one array.
 */
final class JvmSpawn implements W1Peer.Cells
{
    /**
     * A W1 cell: state only; it never gets a message.
     */
    static final class Cell extends JvmCell
    {
        final long[] v = new long[8];

        Cell(final JvmObjects system)
        {
            super(system);
        }

        void receive(final Object message)
        {
        }
    }

    private JvmObjects system;
    private Cell[] cells;

    public void start(final int workers)
    {
        system = new JvmObjects(W1Peer.ID, workers);
    }

    public void spawn(final int n, final long seed, final int step)
    {
        cells = new Cell[n];
        for (int i = 0; i < n; i++)
        {
            final Cell cell = new Cell(system);
            for (int k = 0; k < 8; k++)
            {
                cell.v[k] = BenchParams.generate(seed, ((long)i << 3) + k);
            }
            cells[i] = cell;
        }
    }

    public long[] sample(final int i)
    {
        return cells[i].v;
    }

    public void close()
    {
        cells = null;
        if (null != system)
        {
            system.check();
            system.close();
        }
    }
}
