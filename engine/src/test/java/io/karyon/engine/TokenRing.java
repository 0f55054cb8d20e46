package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

/**
 * A ring of message-only cells for tests: each counts the tokens it receives and forwards a token, one hop fewer
 * left, to the next cell, until none is left. The cells have no tick step: a tick only touches tokens.
 */
final class TokenRing implements Behaviour
{
    private final int countOffset;
    private final int nextOffset;

    private TokenRing(final int countOffset, final int nextOffset)
    {
        this.countOffset = countOffset;
        this.nextOffset = nextOffset;
    }

    /**
     * Registers the behaviour, spawns the cells and links each to the next.
     *
     * @return the cells' handles in ring order.
     */
    static long[] spawn(final Organism organism, final CellLayout layout, final String countField,
        final String nextField, final int cells)
    {
        final int nextOffset = layout.offset(nextField);
        organism.registerBehaviour("ring", new TokenRing(layout.offset(countField), nextOffset));
        final Genotype genotype = organism.genotype("ring", layout, "ring");
        final long[] ring = new long[cells];
        for (int i = 0; i < cells; i++)
        {
            ring[i] = organism.spawn(genotype);
        }
        for (int i = 0; i < cells; i++)
        {
            organism.cell(ring[i]).putLong(nextOffset, ring[(i + 1) % cells]);
        }
        return ring;
    }

    public void onTick(final CellFlyweight cell, final CellContext context)
    {
        throw new AssertionError("ring cells have no tick");
    }

    public void onMessage(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        cell.putLong(countOffset, cell.getLong(countOffset) + 1);
        if (payload > 1)
        {
            context.send(cell.getLong(nextOffset), type, payload - 1);
        }
    }

    public boolean hasTick()
    {
        return false;
    }
}
