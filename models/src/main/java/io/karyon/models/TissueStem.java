package io.karyon.models;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.ExitReasons;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.MatrixWriter;

import static io.karyon.models.TissueState.CLAIM;
import static io.karyon.models.TissueState.ENERGY;
import static io.karyon.models.TissueState.LINEAGE;
import static io.karyon.models.TissueState.NO_SITE;
import static io.karyon.models.TissueState.TRAIT;
import static io.karyon.models.TissueWorld.OCCUPANCY;

/**
 * A reborn founder looking for a site (behaviour {@code stem}, the founder genotype's). A restart starts a cell from
 * its genotype, which knows no site, so a reborn cell settles anew, as a stem cell arriving from the circulation:
 * <ol>
 *   <li>in tick t it draws a site of colour t mod 5; if nobody announced that site in tick t - 1 it claims it, by
 *   announcing it (occupancy +1), and remembers the claim;</li>
 *   <li>in tick t + 1 the site's occupancy counts exactly the stem cells that claimed it in tick t: no cell lived
 *   there (it was free), and no division could target it in tick t (its colour was the dividing one, and dividing
 *   cells only have neighbours of other colours). A sole claimant settles: it takes the site, announces it again and
 *   becomes a {@code cell}. Claimants that collided all withdraw (they do not announce it, so it is free again in
 *   tick t + 2) and draw again.</li>
 * </ol>
 * Two stem cells on different workers may draw the same site in the same tick; neither settles on a guess, so the
 * outcome does not depend on which worker ran first. While seeking, a stem cell pays its upkeep and eats nothing; one
 * that finds no room starves (a normal exit, not restarted again).
 * <p>
 * <b>Note:</b> stateless; one instance serves every cell on every worker.
 */
final class TissueStem implements Behaviour
{
    private final TissueWorld world;

    TissueStem(final TissueWorld world)
    {
        this.world = world;
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final CellFlyweight cell, final CellContext context)
    {
        final TissueWorld w = world;
        final double energy = cell.getDouble(ENERGY) - w.upkeep(cell.getDouble(TRAIT));
        cell.putDouble(ENERGY, energy);
        if (energy < 0.0)
        {
            context.die(ExitReasons.NORMAL);
            return;
        }
        final MatrixWriter writer = w.writers[context.worker()];
        final long self = context.self();
        final int claim = cell.getInt(CLAIM);
        if (claim >= 0)
        {
            cell.putInt(CLAIM, NO_SITE);
            if (1.0 == w.matrix.read(claim, OCCUPANCY))
            {
                TissueState.identity(cell, claim, cell.getInt(LINEAGE), cell.getDouble(TRAIT));
                writer.deposit(claim, OCCUPANCY, 1.0, self);
                context.become(w.cellId);
                return;
            }
        }
        final long random = context.nextLong();
        final int row = (int)(((random >>> 32) * w.lattice.side()) >>> 32);
        final int site = w.lattice.siteOfColour(TissueLattice.colourOfTick(context.tick()), row, (int)random);
        if (site >= 0 && 0.0 == w.matrix.read(site, OCCUPANCY))
        {
            writer.deposit(site, OCCUPANCY, 1.0, self);
            cell.putInt(CLAIM, site);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        throw new IllegalArgumentException("stem cell got unexpected message type " + type);
    }

    /**
     * {@inheritDoc}
     */
    public boolean checksIntegrity()
    {
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isIntact(final CellFlyweight cell)
    {
        return TissueState.isIntact(cell);
    }
}
