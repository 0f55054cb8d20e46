package io.karyon.perf.peers;

import java.util.concurrent.CountDownLatch;

/**
 * W2 on plain JVM objects: each ring cell holds a reference to the next; a token is a small immutable message object.
 */
final class JvmRing implements W2Peer.Ring
{
    /**
     * A token with the hops it has left.
     *
     * @param hops left, counting the one that delivers it.
     * @param done counted down at the last hop.
     */
    record Token(long hops, CountDownLatch done)
    {
    }

    /**
     * A ring cell: counts the hop and forwards the token with one hop fewer.
     */
    static final class Cell extends JvmCell
    {
        Cell next;
        long hops;

        Cell(final JvmObjects system)
        {
            super(system);
        }

        void receive(final Object message)
        {
            final Token token = (Token)message;
            hops++;
            if (token.hops() > 1)
            {
                next.tell(new Token(token.hops() - 1, token.done()));
            }
            else
            {
                token.done().countDown();
            }
        }
    }

    private JvmObjects system;
    private Cell[] cells;

    public void start(final int n, final int workers)
    {
        system = new JvmObjects(W2Peer.ID, workers);
        cells = new Cell[n];
        for (int i = 0; i < n; i++)
        {
            cells[i] = new Cell(system);
        }
        for (int i = 0; i < n; i++)
        {
            cells[i].next = cells[(i + 1) % n];
        }
    }

    public void token(final int i, final long hops, final CountDownLatch done)
    {
        cells[i].tell(new Token(hops, done));
    }

    public long countedHops()
    {
        system.check();
        long counted = 0;
        for (final Cell cell : cells)
        {
            counted += cell.hops;
        }
        return counted;
    }

    public void close()
    {
        if (null != system)
        {
            system.close();
        }
    }
}
