package io.karyon.model;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;

import java.util.List;

/**
 * A test model that uses every kind of observation: walkers (one cell in five is idle) take random steps in energy,
 * deposit on a small diffusing matrix, and starve below an energy floor; it stops when too few cells are left.
 */
public final class Walkers implements Model
{
    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("steps")
        .doubleField("energy")
        .longField("site")
        .byteField("tag")
        .build();
    static final int STEPS = LAYOUT.offset("steps");
    static final int ENERGY = LAYOUT.offset("energy");
    static final int SITE = LAYOUT.offset("site");
    static final int TAG = LAYOUT.offset("tag");

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "walkers";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "random walkers in energy that starve, for tests";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(
            Parameter.number("drift", 0.0, -1, 1, "mean energy change per tick"),
            Parameter.integer("stop_below", 0, 0, Long.MAX_VALUE, "stop when fewer cells are alive"),
            Parameter.bool("fail", false, "throw during set-up"),
            Parameter.integer("fail_at", 0, 0, Long.MAX_VALUE, "throw after this tick (0: never)"));
    }

    /**
     * {@inheritDoc}
     */
    public long defaultCells()
    {
        return 2000;
    }

    /**
     * {@inheritDoc}
     */
    public long defaultTicks()
    {
        return 20;
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        if (setup.parameters().bool("fail"))
        {
            throw new IllegalStateException("boom");
        }
        final Matrix matrix = setup.closeAtEnd(Matrix.create(new MatrixConfiguration().grid(20, 10).substances(1)
            .diffusionRate(0, 0.1).decayRate(0, 0.05)));
        setup.context().tickPhase(matrix::applyTick);
        final Organism organism = setup.organism();
        matrix.writers(organism.workerCount());
        final int starved = organism.exitReasons().register("starved");
        final double drift = setup.parameters().number("drift");
        organism.registerBehaviour("walker", new Walker(matrix, drift, starved));
        organism.registerBehaviour("idle", new Idle());
        final Genotype walker = organism.genotype("walker", LAYOUT, "walker");
        final Genotype idle = organism.genotype("idle", LAYOUT, "idle");
        final int group = organism.group("idlers");
        for (long i = 0; i < setup.cells(); i++)
        {
            final long handle = organism.spawn(0 == i % 5 ? idle : walker);
            organism.cell(handle).putLong(SITE, i % matrix.sites()).putDouble(ENERGY, 1.0 + (i % 7) * 0.25)
                .putByte(TAG, (byte)(i % 3));
            if (0 == i % 5)
            {
                organism.join(handle, group);
            }
        }
        final long[] driverTicks = new long[1];
        final long[] peak = new long[2];
        final long stopBelow = setup.parameters().integer("stop_below");
        final long failAt = setup.parameters().integer("fail_at");
        setup.observe()
            .count("walkers", "walker")
            .count("idle", "idle")
            .field("energy", LAYOUT, "energy", "walker")
            .histogram("steps", LAYOUT, "steps", 0, 25, 5, "walker")
            .reduce(new Tags())
            .groupSize("idlers", group)
            .matrixTotal("nutrient", matrix, 0)
            .value("driver_ticks", () -> driverTicks[0])
            .snapshotFields(LAYOUT, "steps", "energy")
            .snapshotMatrix("nutrient", matrix, 0);
        setup.stopWhen((o, tick) ->
        {
            driverTicks[0] = tick + 1;
            if (failAt == tick + 1)
            {
                throw new IllegalStateException("failed on purpose after tick " + failAt);
            }
            final long alive = o.stats().alive();
            if (alive > peak[0])
            {
                peak[0] = alive;
                peak[1] = tick + 1;
            }
            return alive < stopBelow;
        });
        setup.summary("peak_alive", () -> peak[0]);
        setup.summary("peak_tick", () -> peak[1]);
    }

    /**
     * Steps, deposits, and starves.
     */
    static final class Walker implements Behaviour
    {
        private final Matrix matrix;
        private final double drift;
        private final int starved;

        Walker(final Matrix matrix, final double drift, final int starved)
        {
            this.matrix = matrix;
            this.drift = drift;
            this.starved = starved;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double energy = cell.getDouble(ENERGY) + context.nextDouble() - 0.5 + drift;
            cell.putLong(STEPS, cell.getLong(STEPS) + 1).putDouble(ENERGY, energy);
            matrix.writer(context.worker()).deposit(cell.getLong(SITE), 0, 0.5 + 0.1 * energy, context.self());
            if (energy < 0)
            {
                context.die(starved);
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }
    }

    /**
     * Does nothing.
     */
    static final class Idle implements Behaviour
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
    }

    /**
     * A model's own reduction: the sum of the tags and the lowest energy of any live cell.
     */
    static final class Tags implements CellReduction
    {
        public String[] columns()
        {
            return new String[]{ "tag_sum", "energy_lowest" };
        }

        public Merge[] merges()
        {
            return new Merge[]{ Merge.SUM, Merge.MIN };
        }

        public void accumulate(final CellFlyweight cell, final double[] accumulate)
        {
            accumulate[0] += cell.getByte(TAG);
            accumulate[1] = Math.min(accumulate[1], cell.getDouble(ENERGY));
        }
    }
}
