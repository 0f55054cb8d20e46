package io.karyon.engine.checkpoint;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.cell.CellFlyweight;

/**
 * Behaviours for organisms whose cells only have to exist.
 */
final class TestBehaviours
{
    /** Does nothing, and has no tick step. */
    static final Behaviour NOTHING = new Behaviour()
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }

        public boolean hasTick()
        {
            return false;
        }
    };

    private TestBehaviours()
    {
    }
}
