package io.karyon.models;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code chaos}: a population of quiet cells, a few of which ({@code faulty}, under one one-for-one supervisor, so
 * that restarts show) commit one fault at tick {@code at_tick} (and again every {@code every} ticks after it, if
 * {@code every > 0}), to show from the command line how the engine contains each failure:
 * <ul>
 *     <li>{@code none}: no fault; every cell counts its ticks.</li>
 *     <li>{@code hang}: the faulty cell's tick step never returns: the watchdog ({@code --watchdog}) reports the
 *     worker, cell, behaviour and tick in one line and the run exits 1.</li>
 *     <li>{@code overrun}: the faulty cell writes a long just past its state: it dies {@code out_of_bounds} (counted,
 *     restarted), the run carries on.</li>
 *     <li>{@code throw}: the faulty cell's tick step throws: it dies {@code exception} (counted, restarted).</li>
 *     <li>{@code flood}: the faulty cell sends itself messages until the mailbox limit ({@code --mailbox-limit})
 *     refuses one: it dies {@code mailbox_overflow} (counted, restarted), the organism carries on.</li>
 *     <li>{@code explode}: from {@code at_tick} on, the faulty cells and all their offspring divide every tick: the
 *     memory budget ({@code --max-memory}) stops the run with one line, exit 1.</li>
 *     <li>{@code corrupt}: the faulty cell damages its own header (its flags byte, through
 *     {@link CellFlyweight#flags(byte)}, as a stray write would), the user error the header sweep exists for:
 *     with {@code --verify-every K} the sweep finds it, one warning line and a {@code corrupt} death (restarted).</li>
 * </ul>
 * Observed: {@code count}, the ticks each live cell has counted since it was born or restarted.
 */
public final class Chaos implements Model
{
    /** The faults, as {@code fault} names them. */
    static final List<String> FAULTS = List.of("none", "hang", "overrun", "throw", "flood", "explode", "corrupt");

    static final CellLayout LAYOUT = CellLayout.builder().longField("count").build();

    private static final int HANG = 1;
    private static final int OVERRUN = 2;
    private static final int THROW = 3;
    private static final int FLOOD = 4;
    private static final int EXPLODE = 5;
    private static final int CORRUPT = 6;
    private static final int COUNT = LAYOUT.offset("count");
    /** What {@code corrupt} writes over its header's flags: a bit no feature uses. */
    private static final byte DAMAGED_FLAGS = 64;
    private static final int MESSAGE = 1;
    /** Largest intensity a supervisor takes: the faulty cells' supervisor never gives up. */
    private static final int INTENSITY = (1 << 20) - 1;

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.text("fault", "none", "the fault the faulty cells commit", FAULTS.toArray(new String[0])).fixed(),
        Parameter.integer("at_tick", 5, 0, Long.MAX_VALUE, "the tick at which they first commit it").fixed(),
        Parameter.integer("every", 0, 0, Long.MAX_VALUE,
            "ticks between recurrences of the fault after at_tick (0: once)").fixed(),
        Parameter.integer("faulty", 1, 1, Integer.MAX_VALUE,
            "cells that carry the fault, under one supervisor; at most the number of cells").fixed());

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "chaos";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "Fault injection: a few supervised cells hang, overrun their state, throw, flood, explode or " +
            "corrupt their header at a given tick, to show how the engine contains each failure.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * A small population: the faults are the point, not the size.
     *
     * @return 1,000 cells.
     */
    public long defaultCells()
    {
        return 1_000;
    }

    /**
     * Long enough to see the run go on after the default {@code at_tick}.
     *
     * @return 20 ticks.
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
        final Parameters p = setup.parameters();
        final long cells = setup.cells();
        if (cells < 1 || cells > Integer.MAX_VALUE)
        {
            throw new ModelException("model " + name() + ": cells: expected an integer in [1, " + Integer.MAX_VALUE +
                "], got " + cells, ModelException.EXIT_USAGE, null);
        }
        final long faulty = p.integer("faulty");
        if (faulty > cells)
        {
            throw new ModelException("model " + name() + ": faulty: expected an integer in [1, " + cells +
                "] (at most the number of cells), got " + faulty, ModelException.EXIT_USAGE, null);
        }
        final int fault = FAULTS.indexOf(p.text("fault").toLowerCase(Locale.ROOT));
        final Organism organism = setup.organism();
        organism.registerBehaviour("quiet", new Quiet());
        final Faulty faultyBehaviour = new Faulty(fault, p.integer("at_tick"), p.integer("every"));
        organism.registerBehaviour("faulty", faultyBehaviour);
        final Genotype quiet = organism.genotype("quiet", LAYOUT, "quiet");
        final Genotype faultyGenotype = organism.genotype("faulty", LAYOUT, "faulty");
        faultyBehaviour.genotype = faultyGenotype;
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, INTENSITY, 1);
        for (long i = 0; i < faulty; i++)
        {
            organism.spawn(faultyGenotype, supervisor, RestartType.PERMANENT);
        }
        for (long i = faulty; i < cells; i++)
        {
            organism.spawn(quiet);
        }
        setup.observe().field("count", LAYOUT, "count");
    }

    /**
     * Counts its ticks; takes messages without a word.
     */
    static class Quiet implements Behaviour
    {
        /**
         * {@inheritDoc}
         */
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putLong(COUNT, cell.getLong(COUNT) + 1);
        }

        /**
         * {@inheritDoc}
         */
        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * Counts its ticks as {@link Quiet} does, and commits its fault at {@code at_tick} and every {@code every} ticks
     * after it ({@code explode}: every tick from {@code at_tick} on).
     */
    static final class Faulty extends Quiet
    {
        private final int fault;
        private final long at;
        private final long every;
        /** What {@code explode} divides into: its own genotype, set once it is made. */
        private Genotype genotype;

        Faulty(final int fault, final long at, final long every)
        {
            this.fault = fault;
            this.at = at;
            this.every = every;
        }

        /**
         * {@inheritDoc}
         */
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            super.onTick(cell, context);
            final long tick = context.tick();
            if (tick < at)
            {
                return;
            }
            final boolean due = tick == at || (every > 0 && 0 == (tick - at) % every);
            switch (fault)
            {
                case HANG -> hang(due);
                case OVERRUN ->
                {
                    if (due)
                    {
                        cell.putLong(cell.stateLength(), tick);
                    }
                }
                case THROW ->
                {
                    if (due)
                    {
                        throw new IllegalStateException("chaos: cell " + context.self() + " throws at tick " + tick);
                    }
                }
                case FLOOD -> flood(due, context);
                case EXPLODE -> context.spawn(genotype);
                case CORRUPT ->
                {
                    if (due)
                    {
                        cell.flags(DAMAGED_FLAGS);
                    }
                }
                default ->
                {
                }
            }
        }

        /**
         * Never returns: parks (using no CPU) until the process ends, as a behaviour stuck on a lock would.
         */
        private static void hang(final boolean due)
        {
            while (due)
            {
                LockSupport.park();
            }
        }

        private static void flood(final boolean due, final CellContext context)
        {
            if (due)
            {
                final long self = context.self();
                for (long i = 0; CellContext.OVERFLOW != context.send(self, MESSAGE, i); i++)
                {
                    // Until the mailbox limit refuses one.
                }
            }
        }
    }
}
