package io.karyon.models;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.ExitReasons;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixWriter;

import static io.karyon.models.TissueState.DIVISIONS;
import static io.karyon.models.TissueState.ENERGY;
import static io.karyon.models.TissueState.LINEAGE;
import static io.karyon.models.TissueState.MEMBER;
import static io.karyon.models.TissueState.SITE;
import static io.karyon.models.TissueState.TRAIT;
import static io.karyon.models.TissueState.UPTAKE;
import static io.karyon.models.TissueWorld.ENDOW;
import static io.karyon.models.TissueWorld.GROWTH;
import static io.karyon.models.TissueWorld.NUTRIENT;
import static io.karyon.models.TissueWorld.OCCUPANCY;
import static io.karyon.models.TissueWorld.PLACE;
import static io.karyon.models.TissueWorld.SIGNAL;

/**
 * A placed tissue cell (behaviour {@code cell}). Every tick it eats, pays its upkeep, announces its site, secretes
 * the signal when stressed, joins the growth-factor group when the signal around it reaches the quorum, and divides
 * when rich, in the ticks of its site's colour (see {@link Tissue}). A daughter is born unplaced and learns its site,
 * lineage, energy and trait from three messages, which it handles before its first tick.
 * <p>
 * <b>Note:</b> stateless; one instance serves every cell on every worker.
 */
final class TissueCell implements Behaviour
{
    private final TissueWorld world;

    TissueCell(final TissueWorld world)
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
        final int site = cell.getInt(SITE);
        if (site < 0)
        {
            throw new IllegalStateException("a tissue cell ticked before it was placed");
        }
        final double trait = cell.getDouble(TRAIT);
        final double uptake = Math.min(s.uptake * trait, w.available(site));
        double energy = cell.getDouble(ENERGY) + uptake - w.upkeep(trait);
        if (energy < 0.0)
        {
            // Starved: a normal exit, which its supervisor (if any) does not restart. It announces nothing this tick,
            // so its site is free from the next one, and it eats nothing.
            cell.putDouble(ENERGY, energy).putDouble(UPTAKE, 0.0);
            context.die(ExitReasons.NORMAL);
            return;
        }
        final MatrixWriter writer = w.writers[context.worker()];
        final long self = context.self();
        if (uptake > 0.0)
        {
            writer.deposit(site, NUTRIENT, -uptake, self);
        }
        writer.deposit(site, OCCUPANCY, 1.0, self);
        cell.putDouble(UPTAKE, uptake);
        if (energy < s.stressLevel && s.secretion > 0.0)
        {
            writer.deposit(site, SIGNAL, s.secretion, self);
        }
        if (0 == cell.getByte(MEMBER) && w.matrix.read(site, SIGNAL) >= s.quorum)
        {
            context.join(w.group);
            cell.putByte(MEMBER, (byte)1);
        }
        final long tick = context.tick();
        if (energy >= s.divisionThreshold && tick > 0 &&
            w.lattice.colour(site) == TissueLattice.colourOfTick(tick))
        {
            energy = divide(cell, context, writer, site, trait, energy);
        }
        cell.putDouble(ENERGY, energy);
    }

    /**
     * Divides into a free neighbouring site, if there is one: the first free one going round from a random direction.
     * Free means that nobody announced it in the previous tick; no other division can claim it in this tick (colours),
     * and no stem cell either (stem cells claim sites of the tick's colour, which no dividing cell neighbours).
     *
     * @return the energy the mother keeps: half, or all if she could not divide.
     */
    private double divide(
        final CellFlyweight cell,
        final CellContext context,
        final MatrixWriter writer,
        final int site,
        final double trait,
        final double energy)
    {
        final TissueWorld w = world;
        final Matrix matrix = w.matrix;
        final int start = (int)(context.nextLong() >>> 62);
        int target = -1;
        for (int k = 0; k < 4 && target < 0; k++)
        {
            final int n = w.lattice.neighbour(site, (start + k) & 3);
            if (n >= 0 && 0.0 == matrix.read(n, OCCUPANCY))
            {
                target = n;
            }
        }
        if (target < 0)
        {
            return energy;
        }
        final long child = context.spawn(w.daughter);
        writer.deposit(target, OCCUPANCY, 1.0, child);
        final TissueSettings s = w.settings;
        double childTrait = trait;
        if (context.nextDouble() < s.mutationRate)
        {
            childTrait = w.mutate(trait, context.nextDouble());
            if (context.nextDouble() < s.corruption)
            {
                // The mutation damaged the mother's own copy: her trait changes but her check does not follow, so the
                // integrity check kills her before her next callback (apoptosis, reason corrupt).
                cell.putLong(TRAIT, cell.getLong(TRAIT) ^ 1L);
            }
        }
        final double half = 0.5 * energy;
        context.send(child, PLACE, (long)target << 32 | (cell.getInt(LINEAGE) & 0xFFFF_FFFFL));
        context.send(child, ENDOW, Double.doubleToRawLongBits(half));
        context.send(child, TissueWorld.TRAIT, Double.doubleToRawLongBits(childTrait));
        cell.putInt(DIVISIONS, cell.getInt(DIVISIONS) + 1);
        return half;
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        switch (type)
        {
            case PLACE:
                TissueState.identity(cell, (int)(payload >>> 32), (int)payload, cell.getDouble(TRAIT));
                break;
            case ENDOW:
                cell.putDouble(ENERGY, Double.longBitsToDouble(payload));
                break;
            case TissueWorld.TRAIT:
                TissueState.identity(cell, cell.getInt(SITE), cell.getInt(LINEAGE), Double.longBitsToDouble(payload));
                break;
            case GROWTH:
                cell.putDouble(ENERGY, cell.getDouble(ENERGY) + world.settings.growthFactor);
                break;
            default:
                throw new IllegalArgumentException("tissue cell got unknown message type " + type);
        }
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
