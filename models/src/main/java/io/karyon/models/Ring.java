package io.karyon.models;

import io.karyon.engine.MemoryEstimate;
import io.karyon.engine.Organism;
import io.karyon.engine.Supervisor;
import io.karyon.engine.sim.Tissue;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;

import java.util.List;
import java.util.Locale;

/**
 * {@code ring}: the engine's old default simulation ({@link Tissue}) as a model. Founder cells on a ring each hold
 * energy and a chaotic variable, pass a tenth of their surplus energy to their neighbour every tick, divide above 1.5
 * and starve at 0; optionally the founders are supervised, so that a starved founder is restarted.
 * <p>
 * The parameters are {@code karyon run}'s old flags of the same names, with the same defaults and ranges, and a run
 * is set up exactly as that command set it up: the same seed, cells and flags give the same digest as before. Its
 * defaults, 500,000 cells and 100 ticks, were that command's too.
 * {@code supervisors} founders' supervisors (0: none) are made in groups of {@code fanout}, each group under a
 * top-level one-for-one parent that restarts a supervisor which gives up; founders are dealt to them in turn.
 * With {@code refind}, cells find restarted founders again by their child ids instead of sending to their old
 * handles (see {@link Tissue}).
 * <p>
 * Observed: {@code energy_sum}, {@code energy_mean}, {@code energy_min} and {@code energy_max} over the live cells,
 * beside the engine's own columns (live {@code cells}, spawned, deaths by reason, restarts, dead letters).
 */
public final class Ring implements Model
{
    /** Largest intensity and fanout a supervisor takes (its restart window is 20 bits wide). */
    static final int MAX_INTENSITY = (1 << 20) - 1;

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.integer("supervisors", 0, 0, Integer.MAX_VALUE,
            "supervisors the founders are dealt to (0: unsupervised); at most the number of cells").fixed(),
        Parameter.integer("fanout", 100, 1, MAX_INTENSITY,
            "supervisors under each top-level supervisor").fixed(),
        Parameter.bool("spread", false,
            "put each supervisor in the next supervision home, so one tree spreads over the workers").fixed(),
        Parameter.text("strategy", "one_for_one", "the supervisors' restart strategy",
            "one_for_one", "one_for_all", "rest_for_one").fixed(),
        Parameter.integer("intensity", 100, 0, MAX_INTENSITY,
            "restarts a supervisor allows within period ticks before it gives up").fixed(),
        Parameter.integer("period", 10, 1, Long.MAX_VALUE, "the intensity's window, in ticks").fixed(),
        Parameter.text("restart", "permanent", "the founders' restart type",
            "permanent", "transient", "temporary").fixed(),
        Parameter.bool("refind", false,
            "cells look up their supervised neighbour's current handle by its child id every tick, so a restarted " +
            "founder is found again (and keep their surplus while it waits for its restart)").fixed());

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "ring";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "The old default: a ring of cells passing energy to their neighbours, dividing and starving, " +
            "optionally supervised.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * The old {@code karyon run}'s default population, so that {@code karyon run ring} is the run it was.
     *
     * @return 500,000 cells.
     */
    public long defaultCells()
    {
        return 500_000;
    }

    /**
     * The old {@code karyon run}'s default length.
     *
     * @return 100 ticks.
     */
    public long defaultTicks()
    {
        return 100;
    }

    /**
     * The supervisors and their parents, each with its first restart window, and the founders' child entries.
     */
    public void estimateMemory(final Parameters p, final long cells, final MemoryEstimate estimate)
    {
        final long supervisors = p.integer("supervisors");
        final long fanout = p.integer("fanout");
        estimate.supervisors(supervisors + (supervisors + fanout - 1) / fanout, 0 == supervisors ? 0 : cells);
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
        final long supervisors = p.integer("supervisors");
        if (supervisors > cells)
        {
            throw new ModelException("model " + name() + ": supervisors: expected an integer in [0, " + cells +
                "] (at most the number of cells), got " + supervisors, ModelException.EXIT_USAGE, null);
        }
        final RestartStrategy strategy = RestartStrategy.valueOf(p.text("strategy").toUpperCase(Locale.ROOT));
        final RestartType restart = RestartType.valueOf(p.text("restart").toUpperCase(Locale.ROOT));

        final Organism organism = setup.organism();
        Tissue.seed(organism, (int)cells, supervise(organism, p, (int)supervisors, strategy), restart,
            p.bool("refind"));

        setup.observe().field("energy", Tissue.LAYOUT, "energy", Tissue.BEHAVIOUR);
    }

    /**
     * The supervisors to deal founders to, in groups of {@code fanout} under top-level parents that restart a
     * supervisor which gives up: as {@code karyon run} made them, in the same order.
     */
    private static Supervisor[] supervise(
        final Organism organism, final Parameters p, final int supervisors, final RestartStrategy strategy)
    {
        final int fanout = (int)p.integer("fanout");
        final int intensity = (int)p.integer("intensity");
        final long period = p.integer("period");
        final boolean spread = p.bool("spread");
        final Supervisor[] ids = new Supervisor[supervisors];
        Supervisor parent = null;
        for (int s = 0; s < supervisors; s++)
        {
            if (0 == s % fanout)
            {
                parent = organism.supervisor(RestartStrategy.ONE_FOR_ONE, fanout, 1);
            }
            ids[s] = organism.supervisor(parent, strategy, intensity, period, RestartType.PERMANENT, spread);
        }
        return ids;
    }
}
