package io.karyon.perf;

import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Placement;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.model.Model;
import io.karyon.model.ModelException;
import io.karyon.model.Parameter;
import io.karyon.model.Parameters;
import io.karyon.model.Setup;
import io.karyon.model.SurveyValue;

import java.util.List;

/**
 * {@code w2-ring}: workload W2 as a model, so that {@code karyon bench W2 --shards S} runs it through the sharded run
 * path: the same ring ({@link W2Ring#LAYOUT}, {@link W2Ring.RingCell}), the same placement of its cells, the same
 * tokens sent by the driver before the first tick, one round of {@code hops_per_token} ticks. Its summary value
 * {@value #HOPS} is the hops the cells counted, summed over every cell (gathered over the shards).
 * <p>
 * A bench-only model: it is listed in perf's {@code META-INF/services}, so it is found by name in {@code karyon
 * bench}'s jar, where the shard processes the launcher starts (with that jar as their class path) look it up, and in
 * perf's tests; the product jar that {@code karyon run} and {@code karyon models} use has no perf in it.
 * <p>
 * <b>Note:</b> stateless; shared, as every {@link Model}.
 */
public final class W2RingModel implements Model
{
    /** The model's name. */
    public static final String NAME = "w2-ring";
    /** The summary value: hops counted by the cells. */
    static final String HOPS = "hops_counted";
    static final String TOKENS = "tokens";
    static final String HOPS_PER_TOKEN = "hops_per_token";
    static final String PLACEMENT = "placement";

    private static final int HOPS_OFFSET = W2Ring.LAYOUT.offset("hops");
    private static final List<Parameter> PARAMETERS = List.of(
        Parameter.integer(TOKENS, 10_000, 1, Integer.MAX_VALUE, "tokens in flight, at evenly spaced cells").fixed(),
        Parameter.integer(HOPS_PER_TOKEN, 10_000, 1, Long.MAX_VALUE,
            "hops each token makes: the ticks the round needs").fixed(),
        Parameter.text(PLACEMENT, "pairs", "where the ring's cells live, as bench W2's --placement",
            W2Ring.PLACEMENTS.toArray(new String[0])).fixed());

    /**
     * The hops counted by the cells: one long word, summed.
     */
    private static final SurveyValue COUNTED = new SurveyValue()
    {
        private final Merge[] longs = { Merge.SUM };

        public Merge[] longs()
        {
            return longs.clone();
        }

        public Merge[] doubles()
        {
            return new Merge[0];
        }

        public void accumulate(final CellFlyweight cell, final long[] longs, final double[] doubles)
        {
            longs[0] += cell.getLong(HOPS_OFFSET);
        }

        public double finish(final long[] longs, final double[] doubles)
        {
            return longs[0];
        }
    };

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
        return "bench W2 (ring of tokens) as a model, for karyon bench W2 --shards; not a simulation.";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return PARAMETERS;
    }

    /**
     * Spawns the ring as {@code bench W2} does, links it, and sends the tokens.
     *
     * @param setup of the run.
     */
    public void setUp(final Setup setup)
    {
        final Parameters p = setup.parameters();
        final long cells = setup.cells();
        final long tokens = p.integer(TOKENS);
        if (cells < 1 || cells > Integer.MAX_VALUE || tokens > cells)
        {
            throw new ModelException("model " + NAME + ": cells: expected an integer in [" + tokens + ", " +
                Integer.MAX_VALUE + "] (at least the tokens), got " + cells, ModelException.EXIT_USAGE, null);
        }
        final String placement = p.text(PLACEMENT);
        setup.context().placement("fill".equals(placement) ? Placement.FILL : Placement.ROUND_ROBIN);
        final Organism organism = setup.organism();
        organism.registerBehaviour("ring", new W2Ring.RingCell());
        final Genotype genotype = organism.genotype("ring", W2Ring.LAYOUT, "ring");
        final int n = (int)cells;
        final long[] ring = W2Ring.spawnRing(organism, genotype, n, placement, setup.seed());
        W2Ring.link(organism, ring);
        W2Ring.sendTokens(organism, ring, (int)tokens, p.integer(HOPS_PER_TOKEN));
        setup.summary(HOPS, COUNTED);
    }
}
