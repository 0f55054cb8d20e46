package example.predatorprey;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

/**
 * Prey and predators on a ring of patches, each patch a cell holding how many of each live there. Every tick, in each
 * patch, every prey may give birth (logistic, up to the patch's capacity) or be caught (the more predators, the
 * likelier), every catch may feed a predator's birth, every predator may die, and some animals of each kind leave for
 * the patch to the west or to the east: they arrive there in the next tick, as a message. Every draw comes from the
 * cell's own random stream, so a run is a function of its seed, whatever the number of workers.
 * <p>
 * Written against Karyon's public API only: {@link Organism}, {@link Context}, {@link Behaviour},
 * {@link CellContext}, {@link CellLayout}, {@link CellFlyweight}, {@link Genotype} and {@link Stats}.
 * <p>
 * <b>Note:</b> not threadsafe: one thread drives it, as it drives its organism.
 */
public final class PredatorPrey implements AutoCloseable
{
    /**
     * A patch's state: its prey and predators, those that left it in its latest tick (they arrive at a neighbour in
     * the next), and the handles of its neighbours on the ring.
     */
    public static final CellLayout LAYOUT = CellLayout.builder()
        .longField("prey").longField("predators").longField("preyOut").longField("predatorsOut")
        .longField("west").longField("east").build();
    static final int PREY = LAYOUT.offset("prey");
    static final int PREDATORS = LAYOUT.offset("predators");
    static final int PREY_OUT = LAYOUT.offset("preyOut");
    static final int PREDATORS_OUT = LAYOUT.offset("predatorsOut");
    static final int WEST = LAYOUT.offset("west");
    static final int EAST = LAYOUT.offset("east");

    /** Message type: payload prey arrive. */
    static final int PREY_ARRIVE = 1;
    /** Message type: payload predators arrive. */
    static final int PREDATORS_ARRIVE = 2;

    /**
     * The model's rates, per animal and tick.
     *
     * @param patches           on the ring.
     * @param capacity          prey a patch can feed: births stop there.
     * @param preyBirth         a prey's chance to give birth when its patch is empty.
     * @param predation         a prey's chance to be caught by each predator of its patch.
     * @param conversion        a catch's chance to give a predator birth.
     * @param predatorDeath     a predator's chance to die.
     * @param preyMigration     a prey's chance to leave for a neighbour (west or east at even odds).
     * @param predatorMigration a predator's chance to leave for a neighbour.
     * @param prey              in each patch at the start.
     * @param predators         in each patch at the start.
     */
    public record Parameters(
        int patches,
        long capacity,
        double preyBirth,
        double predation,
        double conversion,
        double predatorDeath,
        double preyMigration,
        double predatorMigration,
        long prey,
        long predators)
    {
        /**
         * Rates under which both kinds live on, in cycles, over a thousand ticks and more.
         *
         * @return the defaults: 64 patches of capacity 200.
         */
        public static Parameters defaults()
        {
            return new Parameters(64, 200, 0.3, 0.01, 0.3, 0.1, 0.05, 0.05, 100, 10);
        }
    }

    private final Organism organism;
    private final Parameters parameters;
    private final long[] patches;

    /**
     * Launches an organism and spawns the ring of patches.
     *
     * @param context    the organism's settings (seed, workers...).
     * @param parameters the model's.
     */
    public PredatorPrey(final Context context, final Parameters parameters)
    {
        this.parameters = parameters;
        this.organism = Organism.launch(context);
        try
        {
            patches = spawnRing(organism, parameters);
        }
        catch (final RuntimeException ex)
        {
            organism.close();
            throw ex;
        }
    }

    /**
     * Registers the patch behaviour and spawns the ring: what this class and {@link PredatorPreyModel} set up alike.
     *
     * @param organism   launched, before its first tick.
     * @param parameters the model's.
     * @return the patches' handles, west to east.
     */
    static long[] spawnRing(final Organism organism, final Parameters parameters)
    {
        organism.registerBehaviour("patch", new Patch(parameters));
        final Genotype patch = organism.genotype("patch", LAYOUT, "patch")
            .putLong(PREY, parameters.prey()).putLong(PREDATORS, parameters.predators());
        final long[] ring = new long[parameters.patches()];
        for (int i = 0; i < ring.length; i++)
        {
            ring[i] = organism.spawn(patch);
        }
        for (int i = 0; i < ring.length; i++)
        {
            organism.cell(ring[i])
                .putLong(WEST, ring[(i + ring.length - 1) % ring.length])
                .putLong(EAST, ring[(i + 1) % ring.length]);
        }
        return ring;
    }

    /**
     * Runs ticks.
     *
     * @param ticks to run.
     */
    public void run(final long ticks)
    {
        organism.run(ticks);
    }

    /**
     * The patches' handles, west to east.
     *
     * @return a copy.
     */
    public long[] patches()
    {
        return patches.clone();
    }

    /**
     * Prey in one patch.
     *
     * @param patch index, from 0.
     * @return its prey.
     */
    public long prey(final int patch)
    {
        return organism.cell(patches[patch]).getLong(PREY);
    }

    /**
     * Predators in one patch.
     *
     * @param patch index, from 0.
     * @return its predators.
     */
    public long predators(final int patch)
    {
        return organism.cell(patches[patch]).getLong(PREDATORS);
    }

    /**
     * Sets one patch's animals, before the first run.
     *
     * @param patch     index, from 0.
     * @param prey      to put there.
     * @param predators to put there.
     */
    public void populate(final int patch, final long prey, final long predators)
    {
        organism.cell(patches[patch]).putLong(PREY, prey).putLong(PREDATORS, predators)
            .putLong(PREY_OUT, 0).putLong(PREDATORS_OUT, 0);
    }

    /**
     * All prey: in the patches and on their way between them.
     *
     * @return the sum over the patches.
     */
    public long prey()
    {
        long sum = 0;
        for (final long patch : patches)
        {
            sum += organism.cell(patch).getLong(PREY) + organism.cell(patch).getLong(PREY_OUT);
        }
        return sum;
    }

    /**
     * All predators: in the patches and on their way between them.
     *
     * @return the sum over the patches.
     */
    public long predators()
    {
        long sum = 0;
        for (final long patch : patches)
        {
            sum += organism.cell(patch).getLong(PREDATORS) + organism.cell(patch).getLong(PREDATORS_OUT);
        }
        return sum;
    }

    /**
     * The model's parameters.
     *
     * @return parameters.
     */
    public Parameters parameters()
    {
        return parameters;
    }

    /**
     * The organism's counters.
     *
     * @return stats.
     */
    public Stats stats()
    {
        return organism.stats();
    }

    /**
     * The digest of every cell's state: equal for equal runs, whatever the number of workers.
     *
     * @return digest.
     */
    public long digest()
    {
        return organism.digest();
    }

    /**
     * How many workers run the patches.
     *
     * @return workers.
     */
    public int workerCount()
    {
        return organism.workerCount();
    }

    /**
     * Closes the organism.
     */
    public void close()
    {
        organism.close();
    }

    /**
     * What a patch does each tick and with each arrival. Immutable: one instance serves every patch on every worker.
     */
    static final class Patch implements Behaviour
    {
        private final Parameters p;

        Patch(final Parameters parameters)
        {
            this.p = parameters;
        }

        public void onTick(final CellFlyweight cell, final CellContext ctx)
        {
            long prey = cell.getLong(PREY);
            long predators = cell.getLong(PREDATORS);

            final double birth = p.preyBirth() * Math.max(0.0, 1.0 - (double)prey / p.capacity());
            final long born = draws(ctx, prey, birth);
            final long caught = draws(ctx, prey, 1.0 - Math.pow(1.0 - p.predation(), predators));
            final long fed = draws(ctx, caught, p.conversion());
            final long died = draws(ctx, predators, p.predatorDeath());
            prey += born - caught;
            predators += fed - died;

            final long preyOut = draws(ctx, prey, p.preyMigration());
            final long preyWest = draws(ctx, preyOut, 0.5);
            final long predatorsOut = draws(ctx, predators, p.predatorMigration());
            final long predatorsWest = draws(ctx, predatorsOut, 0.5);
            emigrate(ctx, cell.getLong(WEST), PREY_ARRIVE, preyWest);
            emigrate(ctx, cell.getLong(EAST), PREY_ARRIVE, preyOut - preyWest);
            emigrate(ctx, cell.getLong(WEST), PREDATORS_ARRIVE, predatorsWest);
            emigrate(ctx, cell.getLong(EAST), PREDATORS_ARRIVE, predatorsOut - predatorsWest);
            cell.putLong(PREY, prey - preyOut).putLong(PREDATORS, predators - predatorsOut)
                .putLong(PREY_OUT, preyOut).putLong(PREDATORS_OUT, predatorsOut);
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext ctx, final long sender, final int type, final long payload)
        {
            final int field = PREY_ARRIVE == type ? PREY : PREDATORS;
            cell.putLong(field, cell.getLong(field) + payload);
        }

        private static void emigrate(final CellContext ctx, final long to, final int type, final long animals)
        {
            if (animals > 0)
            {
                ctx.send(to, type, animals);
            }
        }

        // How many of n animals an event with this chance befalls: one draw each from the cell's stream.
        private static long draws(final CellContext ctx, final long n, final double chance)
        {
            long hits = 0;
            for (long i = 0; i < n; i++)
            {
                if (ctx.nextDouble() < chance)
                {
                    hits++;
                }
            }
            return hits;
        }
    }
}
