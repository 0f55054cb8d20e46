package io.karyon.engine.sim;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Cohort;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.Signals;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.supervisor.RestartType;

/**
 * The default simulation: a ring of cells that each hold energy and a chaotic internal variable, pass surplus energy
 * to their neighbour every tick, divide when rich and starve when poor.
 * <p>
 * Every tick a cell takes a random step in energy (its own random stream), updates x by the logistic map, and sends
 * a tenth of any energy above 1.0 to its neighbour. Above {@link #DIVIDE_AT} it divides: the child is spawned beside
 * it, receives half the energy by message, and is spliced into the ring after the parent (the parent hands the child
 * its old neighbour's handle: cells find each other only through handles passed structurally). At or below zero it
 * dies of starvation; energy sent to it afterwards is a dead letter.
 * <p>
 * Re-finding ({@link #seed(Organism, int, Supervisor[], RestartType, boolean)} with {@code refind}): each cell also
 * keeps its neighbour's child id while the neighbour is a supervised founder, and every tick looks up the neighbour's
 * current handle ({@link CellContext#child(long)}) before passing energy on, so that a restarted founder is found
 * again instead of its old handle collecting dead letters; while the neighbour waits for its restart, or when a cell
 * has no neighbour it can name (a reborn founder starts from its genotype, which knows none), the cell gives its
 * surplus off without a message, as one sent to a dead cell is lost (so the ring's population stays as without it).
 * A daughter learns her neighbour's id from her mother ({@link #ADOPT_ID}); the id takes the place of the tick a
 * daughter was born, which a re-finding cell does not keep. A neighbour with no
 * supervisor (a daughter) cannot be re-found: a re-finding cell monitors each neighbour it is given and, on its
 * {@link Signals#DOWN}, forgets it, as an Erlang process monitors the one it depends on.
 */
public final class Tissue implements Behaviour
{
    /** Behaviour name. */
    public static final String BEHAVIOUR = "tissue";
    /** Genotype of the cells seeded at the start. */
    public static final String FOUNDER = "founder";
    /** Genotype of the cells born by division. */
    public static final String DAUGHTER = "daughter";
    /** Message type: payload is an amount of energy (a double's bits). */
    public static final int ENERGY = 1;
    /** Message type: payload is the handle of the receiver's new neighbour. */
    public static final int ADOPT = 2;
    /** Message type (re-finding): payload is the child id of the receiver's new neighbour, or -1. */
    public static final int ADOPT_ID = 3;
    /** Energy above which a cell divides. */
    public static final double DIVIDE_AT = 1.5;

    /** State of a tissue cell: 64 bytes. */
    public static final CellLayout LAYOUT = CellLayout.builder()
        .doubleField("energy")
        .doubleField("x")
        .longField("neighbour")
        .longField("received")
        .longField("divisions")
        .longField("age")
        .longField("born")
        .longField("lineage")
        .build();

    /**
     * State of a re-finding tissue cell, 64 bytes: {@link #LAYOUT}'s fields at the same offsets, but the neighbour's
     * child id where {@link #LAYOUT} has the tick a daughter was born.
     */
    public static final CellLayout REFIND_LAYOUT = CellLayout.builder()
        .doubleField("energy")
        .doubleField("x")
        .longField("neighbour")
        .longField("received")
        .longField("divisions")
        .longField("age")
        .longField("neighbour_id")
        .longField("lineage")
        .build();

    static final int NEIGHBOUR_ID_OFFSET = REFIND_LAYOUT.offset("neighbour_id");
    static final int ENERGY_OFFSET = LAYOUT.offset("energy");
    static final int X_OFFSET = LAYOUT.offset("x");
    static final int NEIGHBOUR_OFFSET = LAYOUT.offset("neighbour");
    static final int RECEIVED_OFFSET = LAYOUT.offset("received");
    static final int DIVISIONS_OFFSET = LAYOUT.offset("divisions");
    static final int AGE_OFFSET = LAYOUT.offset("age");
    static final int BORN_OFFSET = LAYOUT.offset("born");
    static final int LINEAGE_OFFSET = LAYOUT.offset("lineage");

    private final int starved;
    private final boolean refind;
    private Genotype daughter;

    private Tissue(final int starved, final boolean refind)
    {
        this.starved = starved;
        this.refind = refind;
    }

    /**
     * Seeds an organism with a ring of founder cells.
     *
     * @param organism to seed.
     * @param cells    number of founders, > 0.
     * @return handles of the founders, in ring order.
     */
    public static long[] seed(final Organism organism, final int cells)
    {
        return seed(organism, cells, new Supervisor[0], RestartType.PERMANENT);
    }

    /**
     * Seeds an organism with a ring of founder cells, dealt in turn to supervisors (none: unsupervised). A founder that
     * starves is then restarted from its genotype, as its supervisor's strategy and the restart type say (a reborn
     * founder has lost its neighbour: what it passes on is a dead letter).
     *
     * @param organism    to seed.
     * @param cells       number of founders, > 0.
     * @param supervisors to deal the founders to, or none.
     * @param restartType of every founder under its supervisor.
     * @return handles of the founders, in ring order.
     */
    public static long[] seed(
        final Organism organism, final int cells, final Supervisor[] supervisors, final RestartType restartType)
    {
        return seed(organism, cells, supervisors, restartType, false);
    }

    /**
     * Seeds an organism with a ring of founder cells, dealt in turn to supervisors (none: unsupervised), whose cells
     * re-find restarted neighbours by their child ids if {@code refind} (see the class description).
     *
     * @param organism    to seed.
     * @param cells       number of founders, > 0.
     * @param supervisors to deal the founders to, or none.
     * @param restartType of every founder under its supervisor.
     * @param refind      whether cells look their supervised neighbours up every tick.
     * @return handles of the founders, in ring order.
     */
    public static long[] seed(final Organism organism, final int cells, final Supervisor[] supervisors,
        final RestartType restartType, final boolean refind)
    {
        if (cells <= 0)
        {
            throw new IllegalArgumentException("cells must be > 0: cells=" + cells);
        }
        final Tissue tissue = new Tissue(organism.exitReason("starved"), refind);
        organism.registerBehaviour(BEHAVIOUR, tissue);
        final CellLayout layout = refind ? REFIND_LAYOUT : LAYOUT;
        final Genotype founder = organism.genotype(FOUNDER, layout, BEHAVIOUR).putDouble(ENERGY_OFFSET, 1.0);
        tissue.daughter = organism.genotype(DAUGHTER, layout, BEHAVIOUR);
        if (refind)
        {
            founder.putLong(NEIGHBOUR_ID_OFFSET, CellContext.NO_CHILD);
            tissue.daughter.putLong(NEIGHBOUR_ID_OFFSET, CellContext.NO_CHILD);
        }

        final long seed = organism.context().seed();
        final long[] handles = new long[cells];
        if (0 == supervisors.length && 0 == organism.familyCount() && Placement.FILL == organism.context().placement())
        {
            // On a fresh organism a cohort takes the slots the driver's spawns would fill, one after another: the
            // same handles, so the same run, but each worker spawns (and first touches) its own families at once.
            final Cohort cohort = organism.populate(founder, cells, (index, cell, random) -> place(cell, index, seed));
            for (int i = 0; i < cells; i++)
            {
                handles[i] = cohort.handle(i);
            }
            for (int i = 0; i < cells; i++)
            {
                organism.cell(handles[i]).putLong(NEIGHBOUR_OFFSET, handles[(i + 1) % cells]);
            }
            return handles;
        }
        for (int i = 0; i < cells; i++)
        {
            handles[i] = 0 == supervisors.length ? organism.spawn(founder) :
                organism.spawn(founder, supervisors[i % supervisors.length], restartType);
        }
        for (int i = 0; i < cells; i++)
        {
            final CellFlyweight cell = organism.cell(handles[i]);
            cell.putLong(NEIGHBOUR_OFFSET, handles[(i + 1) % cells]);
            place(cell, i, seed);
            if (refind && 0 != supervisors.length)
            {
                final int next = (i + 1) % cells;
                cell.putLong(NEIGHBOUR_ID_OFFSET, supervisors[next % supervisors.length].childId(handles[next]));
            }
        }
        return handles;
    }

    /**
     * A founder's lineage (its index in the ring) and its x in (0, 1), from the seed and the index only, so the same
     * cells start the same way in every run with this seed, whichever thread sets them up.
     */
    private static void place(final CellFlyweight cell, final long index, final long seed)
    {
        cell.putLong(LINEAGE_OFFSET, index);
        cell.putDouble(X_OFFSET, ((mix(seed + index) >>> 11) + 1) * 0x1.0p-53 * 0.998 + 0.001);
    }

    /**
     * {@inheritDoc}
     */
    public void onTick(final CellFlyweight cell, final CellContext context)
    {
        final double x = cell.getDouble(X_OFFSET);
        cell.putDouble(X_OFFSET, 3.9 * x * (1.0 - x));
        cell.putLong(AGE_OFFSET, cell.getLong(AGE_OFFSET) + 1);

        double energy = cell.getDouble(ENERGY_OFFSET) + (context.nextDouble() - 0.5) * 0.2;
        if (refind)
        {
            energy = passOnToFound(cell, context, energy);
        }
        else if (energy > 1.0)
        {
            final double share = (energy - 1.0) * 0.1;
            energy -= share;
            context.send(cell.getLong(NEIGHBOUR_OFFSET), ENERGY, Double.doubleToRawLongBits(share));
        }
        if (energy <= 0.0)
        {
            cell.putDouble(ENERGY_OFFSET, energy);
            context.die(starved);
            return;
        }
        if (energy > DIVIDE_AT)
        {
            final long child = context.spawn(daughter);
            energy *= 0.5;
            context.send(child, ENERGY, Double.doubleToRawLongBits(energy));
            context.send(child, ADOPT, cell.getLong(NEIGHBOUR_OFFSET));
            if (refind)
            {
                context.send(child, ADOPT_ID, cell.getLong(NEIGHBOUR_ID_OFFSET));
                cell.putLong(NEIGHBOUR_ID_OFFSET, CellContext.NO_CHILD);
            }
            cell.putLong(NEIGHBOUR_OFFSET, child);
            if (refind)
            {
                context.monitor(child);  // a daughter has no supervisor to re-find her by: her DOWN says she is gone
            }
            cell.putLong(DIVISIONS_OFFSET, cell.getLong(DIVISIONS_OFFSET) + 1);
        }
        cell.putDouble(ENERGY_OFFSET, energy);
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(
        final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
    {
        switch (type)
        {
            case ENERGY:
                cell.putDouble(ENERGY_OFFSET, cell.getDouble(ENERGY_OFFSET) + Double.longBitsToDouble(payload));
                cell.putLong(RECEIVED_OFFSET, cell.getLong(RECEIVED_OFFSET) + 1);
                break;
            case ADOPT:
                cell.putLong(NEIGHBOUR_OFFSET, payload);
                if (!refind)
                {
                    cell.putLong(BORN_OFFSET, context.tick());
                }
                else if (Handle.NULL_HANDLE != payload)
                {
                    context.monitor(payload);
                }
                cell.putLong(LINEAGE_OFFSET, sender);
                cell.putDouble(X_OFFSET, 0.5 + 0.25 * context.nextDouble());
                break;
            case ADOPT_ID:
                cell.putLong(NEIGHBOUR_ID_OFFSET, payload);
                break;
            case Signals.DOWN:
                // Re-finding: an unsupervised neighbour that died is gone for good; send it nothing from now on.
                if (sender == cell.getLong(NEIGHBOUR_OFFSET))
                {
                    cell.putLong(NEIGHBOUR_OFFSET, Handle.NULL_HANDLE);
                }
                break;
            default:
                throw new IllegalArgumentException("tissue cell got unknown message type " + type);
        }
    }

    /**
     * Re-finding: passes a tenth of the surplus to the neighbour's current handle (looked up by its child id while it
     * has one); keeps it while the neighbour waits for its restart or is unknown.
     *
     * @return the energy left.
     */
    private static double passOnToFound(final CellFlyweight cell, final CellContext context, final double energy)
    {
        long neighbour = cell.getLong(NEIGHBOUR_OFFSET);
        final long id = cell.getLong(NEIGHBOUR_ID_OFFSET);
        if (id >= 0)
        {
            final long found = context.child(id);
            neighbour = found > 0 ? found : Handle.NULL_HANDLE;
            cell.putLong(NEIGHBOUR_OFFSET, neighbour);
        }
        if (energy <= 1.0)
        {
            return energy;
        }
        final double share = (energy - 1.0) * 0.1;
        if (Handle.NULL_HANDLE != neighbour)
        {
            context.send(neighbour, ENERGY, Double.doubleToRawLongBits(share));
        }
        // With no neighbour to name the share is given off all the same, as a share sent to a dead cell is lost: the
        // ring's energy balance (and so its population) stays that of a ring that does not re-find.
        return energy - share;
    }

    private static long mix(final long value)
    {
        long z = value * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
