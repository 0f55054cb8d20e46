package example.predatorprey;

import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.checkpoint.CheckpointPart;
import io.karyon.model.CellReduction;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.model.StopCondition;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * {@code predator-prey}: {@link PredatorPrey}'s ring of patches as a model that {@code karyon run predator-prey
 * --classpath predator-prey.jar} (or {@link io.karyon.model.ModelRun}) runs: one cell per patch ({@code --cells}),
 * the rates as parameters, the animals counted every observed tick, and a stop when the predators have died out.
 * Found through {@code META-INF/services/io.karyon.model.Model}.
 * <p>
 * Time series: {@code prey} and {@code predators} (all of them, those on their way between patches included), and
 * {@code patch_prey_sum/mean/min/max} (the prey in the patches). Snapshots: each patch's {@code prey} and
 * {@code predators}. Summary: {@code prey}, {@code predators} and {@code extinction_tick} (the tick after which no
 * predator was left, -1 if they lived on).
 * <p>
 * Written against the public API only: {@link io.karyon.model} and {@link io.karyon.engine}.
 */
public final class PredatorPreyModel implements Model
{
    private static final PredatorPrey.Parameters DEFAULTS = PredatorPrey.Parameters.defaults();
    private static final long MAX_ANIMALS = 1_000_000_000L;

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.integer("capacity", DEFAULTS.capacity(), 1, MAX_ANIMALS, "prey a patch can feed: births stop there"),
        Parameter.number("prey_birth", DEFAULTS.preyBirth(), 0, 1, "a prey's chance per tick to give birth"),
        Parameter.number("predation", DEFAULTS.predation(), 0, 1,
            "a prey's chance per tick to be caught by each predator of its patch"),
        Parameter.number("conversion", DEFAULTS.conversion(), 0, 1, "a catch's chance to give a predator birth"),
        Parameter.number("predator_death", DEFAULTS.predatorDeath(), 0, 1, "a predator's chance per tick to die"),
        Parameter.number("prey_migration", DEFAULTS.preyMigration(), 0, 1,
            "a prey's chance per tick to leave for the patch west or east"),
        Parameter.number("predator_migration", DEFAULTS.predatorMigration(), 0, 1,
            "a predator's chance per tick to leave for the patch west or east"),
        Parameter.integer("prey", DEFAULTS.prey(), 0, MAX_ANIMALS, "prey in each patch at the start").fixed(),
        Parameter.integer("predators", DEFAULTS.predators(), 0, MAX_ANIMALS,
            "predators in each patch at the start").fixed());

    /**
     * A model; one instance serves any number of runs.
     */
    public PredatorPreyModel()
    {
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "predator-prey";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Prey and predators on a ring of patches (one cell each); migrants travel between patches as messages.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * A ring of {@link PredatorPrey.Parameters#defaults()}'s 64 patches.
     *
     * @return 64.
     */
    public long defaultCells()
    {
        return DEFAULTS.patches();
    }

    /**
     * Long enough for several predator-prey cycles.
     *
     * @return 1,000.
     */
    public long defaultTicks()
    {
        return 1_000;
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final long cells = setup.cells();
        if (cells < 2 || cells > 1_000_000)
        {
            // Bad input, as an out-of-range parameter is: exit 2, nothing run.
            throw new ModelException("predator-prey: cells: expected an integer in [2, 1000000] (patches), got " +
                cells, ModelException.EXIT_USAGE, null);
        }
        final Organism organism = setup.organism();
        final long[] patches = PredatorPrey.spawnRing(organism, rates(setup.parameters(), (int)cells));
        final Extinction extinction = new Extinction(patches);

        setup.observe()
            .reduce(new Census())
            .field("patch_prey", PredatorPrey.LAYOUT, "prey")
            .snapshotFields(PredatorPrey.LAYOUT, "prey", "predators");
        setup.stopWhen(extinction);
        setup.checkpointed(extinction);  // the extinction tick, should a run resume from its last checkpoint
        setup.summary("prey", () -> total(organism, patches, PredatorPrey.PREY, PredatorPrey.PREY_OUT));
        setup.summary("predators",
            () -> total(organism, patches, PredatorPrey.PREDATORS, PredatorPrey.PREDATORS_OUT));
        setup.summary("extinction_tick", () -> extinction.tick);
    }

    // The hand-driven class's parameters, from the model's.
    private static PredatorPrey.Parameters rates(final Parameters p, final int patches)
    {
        return new PredatorPrey.Parameters(patches, p.integer("capacity"), p.number("prey_birth"),
            p.number("predation"), p.number("conversion"), p.number("predator_death"), p.number("prey_migration"),
            p.number("predator_migration"), p.integer("prey"), p.integer("predators"));
    }

    // Animals of one kind, in the patches and on their way: on the driver, between ticks.
    private static long total(final Organism organism, final long[] patches, final int here, final int away)
    {
        long sum = 0;
        for (final long patch : patches)
        {
            final CellFlyweight cell = organism.cell(patch);
            sum += cell.getLong(here) + cell.getLong(away);
        }
        return sum;
    }

    /**
     * Columns {@code prey} and {@code predators}: every animal of each kind, in its patch or on its way out of it.
     * Stateless: each worker adds its own patches into its own accumulator.
     */
    static final class Census implements CellReduction
    {
        private static final String[] COLUMNS = { "prey", "predators" };
        private static final Merge[] MERGES = { Merge.SUM, Merge.SUM };

        /**
         * {@inheritDoc}
         */
        public String[] columns()
        {
            return COLUMNS.clone();
        }

        /**
         * {@inheritDoc}
         */
        public Merge[] merges()
        {
            return MERGES.clone();
        }

        /**
         * {@inheritDoc}
         */
        public void accumulate(final CellFlyweight cell, final double[] accumulate)
        {
            accumulate[0] += cell.getLong(PredatorPrey.PREY) + cell.getLong(PredatorPrey.PREY_OUT);
            accumulate[1] += cell.getLong(PredatorPrey.PREDATORS) + cell.getLong(PredatorPrey.PREDATORS_OUT);
        }
    }

    /**
     * Stops the run after the first tick that leaves no predator, in a patch or on its way: the prey then only fill
     * their patches. Reads the patches on the driver, stopping at the first predator found. The tick it stopped at is
     * saved in checkpoints.
     */
    static final class Extinction implements StopCondition, CheckpointPart
    {
        private final long[] patches;
        private long tick = -1;

        Extinction(final long[] patches)
        {
            this.patches = patches;
        }

        /**
         * {@inheritDoc}
         */
        public boolean shouldStop(final Organism organism, final long completed)
        {
            for (final long patch : patches)
            {
                final CellFlyweight cell = organism.cell(patch);
                if (cell.getLong(PredatorPrey.PREDATORS) + cell.getLong(PredatorPrey.PREDATORS_OUT) > 0)
                {
                    return false;
                }
            }
            tick = completed;
            return true;
        }

        /**
         * {@inheritDoc}
         */
        public String name()
        {
            return "extinction";
        }

        /**
         * {@inheritDoc}
         */
        public void write(final DataOutput out) throws IOException
        {
            out.writeLong(tick);
        }

        /**
         * {@inheritDoc}
         */
        public void read(final DataInput in) throws IOException
        {
            tick = in.readLong();
        }
    }
}
