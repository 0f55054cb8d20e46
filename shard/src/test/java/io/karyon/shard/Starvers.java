package io.karyon.shard;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.model.CellReduction;
import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;
import io.karyon.model.SurveyValue;

import java.util.List;

/**
 * Random walkers in energy that starve, and join a group while hungry, with every kind of observation a sharded run
 * gathers: counts by behaviour, a field's statistics, a histogram, a model's reduction, a group's size, a value of the
 * driver's, a survey value, deaths by a reason of the model's, a stop condition on the live cells and summary values
 * it keeps. The survey value ({@link Apart}) counts the cells it was not given right after the reduction was: 0 when
 * an observation walks the cells once for both, as one process's does.
 */
final class Starvers implements Model
{
    /** Handle of the cell {@link Tags} reduced last on this thread (a walk's visits of a family are one thread's). */
    private static final ThreadLocal<long[]> LAST_REDUCED = ThreadLocal.withInitial(() -> new long[]{ -1 });

    static final CellLayout LAYOUT = CellLayout.builder()
        .longField("steps")
        .doubleField("energy")
        .byteField("tag")
        .build();
    static final int STEPS = LAYOUT.offset("steps");
    static final int ENERGY = LAYOUT.offset("energy");
    static final int TAG = LAYOUT.offset("tag");

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "starvers";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "random walkers in energy that starve, for tests of a sharded run's observations";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(Parameter.integer("stop_below", 0, 0, Long.MAX_VALUE, "stop when fewer cells are alive"));
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
        return 50;
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        final Organism organism = setup.organism();
        final int starved = organism.exitReasons().register("starved");
        final int hungry = organism.groups().id("hungry");
        organism.registerBehaviour("walker", new Walker(starved, hungry));
        organism.registerBehaviour("idle", new Idle());
        final Genotype walker = organism.genotype("walker", LAYOUT, "walker");
        final Genotype idle = organism.genotype("idle", LAYOUT, "idle");
        for (long i = 0; i < setup.cells(); i++)
        {
            final long handle = organism.spawn(0 == i % 5 ? idle : walker);
            organism.cell(handle).putDouble(ENERGY, 1.0 + (i % 7) * 0.25).putByte(TAG, (byte)(i % 3));
        }
        final long[] peak = new long[3];
        final long stopBelow = setup.parameters().integer("stop_below");
        final short walkers = organism.behaviourId("walker");
        setup.observe()
            .count("walkers", "walker")
            .count("idle", "idle")
            .field("energy", LAYOUT, "energy", "walker")
            .histogram("steps", LAYOUT, "steps", 0, 25, 5, "walker")
            .reduce(new Tags())
            .value("walked_apart", new Apart())
            .groupSize("hungry", hungry)
            .value("driver_ticks", () -> peak[2])
            .value("walker_share", () -> (double)organism.countOf(walkers) / organism.stats().alive());
        setup.stopWhen((o, tick) ->
        {
            peak[2] = tick + 1;
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
        setup.summary("walkers_left", () -> organism.countOf(walkers));
    }

    /**
     * Steps, joins the hungry while its energy is low, and starves.
     */
    static final class Walker implements Behaviour
    {
        private final int starved;
        private final int hungry;

        Walker(final int starved, final int hungry)
        {
            this.starved = starved;
            this.hungry = hungry;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double before = cell.getDouble(ENERGY);
            final double energy = before + context.nextDouble() - 0.55;
            cell.putLong(STEPS, cell.getLong(STEPS) + 1).putDouble(ENERGY, energy);
            if (energy < 0)
            {
                context.die(starved);
            }
            else if (energy < 0.5 && before >= 0.5)
            {
                context.join(hungry);
            }
            else if (energy >= 0.5 && before < 0.5)
            {
                context.leave(hungry);
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
            LAST_REDUCED.get()[0] = cell.handle();
            accumulate[0] += cell.getByte(TAG);
            accumulate[1] = Math.min(accumulate[1], cell.getDouble(ENERGY));
        }
    }

    /**
     * A survey value: the cells not visited right after {@link Tags} reduced them on the same thread, which a second
     * walk of the cells for the survey values (after the reductions' own) would give for nearly every cell.
     */
    static final class Apart implements SurveyValue
    {
        public Merge[] longs()
        {
            return new Merge[]{ Merge.SUM };
        }

        public Merge[] doubles()
        {
            return new Merge[0];
        }

        public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
        {
            if (LAST_REDUCED.get()[0] != cell.handle())
            {
                longs[0]++;
            }
        }

        public double finish(final long[] longs, final double[] doubles)
        {
            return longs[0];
        }
    }
}
