package io.karyon.perf.jmh;

import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every benchmark of a whole organism shares: the organism, closed after the trial, and a self-check after
 * each iteration that one counter grew by exactly the expected amount per tick, so a benchmark that stopped doing
 * its work fails instead of reporting a number.
 * <p>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
public abstract class OrganismBenchmark
{
    /** The organism under measurement, launched by the subclass's trial set-up. */
    protected Organism organism;
    private long ticksBefore;
    private long countBefore;

    /**
     * The counter the self-check follows.
     *
     * @param stats of the organism.
     * @return the counter's value.
     */
    protected abstract long counted(Stats stats);

    /**
     * How much the counter must grow per tick.
     *
     * @return growth per tick.
     */
    protected abstract long perTick();

    /**
     * What the counter counts, for the failure message.
     *
     * @return e.g. "messages delivered".
     */
    protected abstract String counting();

    /**
     * Further checks after an iteration; none by default.
     *
     * @param stats of the organism.
     */
    protected void checkMore(final Stats stats)
    {
    }

    /**
     * Notes the counters at the start of an iteration.
     */
    @Setup(Level.Iteration)
    public void startIteration()
    {
        ticksBefore = organism.ticks();
        countBefore = counted(organism.stats());
    }

    /**
     * Checks that every tick of the iteration grew the counter by exactly {@link #perTick()}.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        final Stats stats = organism.stats();
        Organisms.check(counted(stats) - countBefore == (organism.ticks() - ticksBefore) * perTick(),
            perTick() + " " + counting() + " per tick", stats);
        checkMore(stats);
    }

    /**
     * Closes the organism.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        organism.close();
    }
}
