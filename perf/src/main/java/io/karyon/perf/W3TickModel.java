package io.karyon.perf;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellStorage;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.util.List;

/**
 * {@code w3-tick}: workload W3 as a model, so that {@code karyon bench W3 --shards S} runs it through the sharded run
 * path: the same cells ({@link W3Tick#LAYOUT}, {@link W3Tick.Logistic}), seeded as {@code bench W3} seeds them, in the
 * storage {@code layout} names, run for the round's ticks.
 * <p>
 * A bench-only model, found where {@link W2RingModel} is found and for the same reason.
 * <p>
 * <b>Note:</b> stateless; shared, as every {@link Model}.
 */
public final class W3TickModel implements Model
{
    /** The model's name. */
    public static final String NAME = "w3-tick";
    static final String LAYOUT = "layout";

    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.text(LAYOUT, "row", "cell storage, as bench W3's --layout", "row", "columnar").fixed());

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "bench W3 (the logistic map on every cell) as a model, for karyon bench W3 --shards; not a simulation.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * Spawns and seeds the cells as {@code bench W3} does.
     *
     * @param setup of the run.
     */
    public void setUp(final Setup setup)
    {
        final long cells = setup.cells();
        if (cells < 1 || cells > Integer.MAX_VALUE)
        {
            throw new ModelException("model " + NAME + ": cells: expected an integer in [1, " + Integer.MAX_VALUE +
                "], got " + cells, ModelException.EXIT_USAGE, null);
        }
        setup.context().cellStorage(CellStorage.of(setup.parameters().text(LAYOUT)));
        final Organism organism = setup.organism();
        organism.registerBehaviour("logistic", new W3Tick.Logistic());
        final Genotype genotype = organism.genotype("logistic", W3Tick.LAYOUT, "logistic");
        W3Tick.seed(organism, genotype, (int)cells, setup.seed(), 1, null);
    }
}
