package io.karyon.models;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.MatrixWriter;

import static io.karyon.models.TissueState.BROADCASTER;
import static io.karyon.models.TissueState.SOURCE_SITE;
import static io.karyon.models.TissueState.X0;
import static io.karyon.models.TissueState.X1;
import static io.karyon.models.TissueState.Y0;
import static io.karyon.models.TissueState.Y1;
import static io.karyon.models.TissueWorld.GROWTH;
import static io.karyon.models.TissueWorld.NUTRIENT;

/**
 * A nutrient source (behaviour {@code source}): a vessel at the centre of its block of the lattice. At tick 0 it
 * lays the initial nutrient on every site of its block; every tick it deposits its rate at its own site. The first
 * source also broadcasts the growth factor to the group every {@code growth_factor_every} ticks. Sources are cells so
 * that what they supply goes through the same per-worker writers as everything else, keyed by their handles; they
 * live beside the lattice, not on it (a tissue cell may sit on a source's site).
 * <p>
 * <b>Note:</b> stateless; one instance serves every source on every worker.
 */
final class TissueSource implements Behaviour
{
    private final TissueWorld world;

    TissueSource(final TissueWorld world)
    {
        this.world = world;
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final CellFlyweight cell, final CellContext context)
    {
        final TissueWorld w = world;
        final TissueSettings s = w.settings;
        final MatrixWriter writer = w.writers[context.worker()];
        final long self = context.self();
        final long tick = context.tick();
        if (0 == tick && s.initialNutrient > 0.0)
        {
            final int side = w.lattice.side();
            final int x0 = cell.getInt(X0);
            final int x1 = cell.getInt(X1);
            for (int y = cell.getInt(Y0), y1 = cell.getInt(Y1); y < y1; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    writer.deposit(x + side * y, NUTRIENT, s.initialNutrient, self);
                }
            }
        }
        if (s.sourceRate > 0.0)
        {
            writer.deposit(cell.getInt(SOURCE_SITE), NUTRIENT, s.sourceRate, self);
        }
        if (0 != cell.getByte(BROADCASTER) && tick > 0 && 0 == tick % s.growthFactorEvery)
        {
            context.broadcast(w.group, GROWTH, 0);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        throw new IllegalArgumentException("nutrient source got unexpected message type " + type);
    }
}
