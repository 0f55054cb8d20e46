package io.karyon.perf.jmh;

import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every benchmark of a whole organism shares: the organism, closed after the trial, and a self-check after
 * each iteration that every invocation ran its ticks and that one counter grew by exactly the expected amount per
 * tick, so a benchmark that stopped doing its work, or did more than an operation's worth, fails instead of reporting
 * a number.
 * <p>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread.
 */
public abstract class OrganismBenchmark
{
    /** The organism under measurement, launched by the subclass's trial set-up. */
    protected Organism organism;
    /**
     * Invocations of the benchmark method in this iteration: each {@code @Benchmark} method adds one (a plain field
     * increment, lost in the cost of a tick), so the self-check can tell how many ticks the iteration must have run.
     */
    protected long invocations;
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
     * Ticks each invocation runs.
     *
     * @return ticks per invocation; 1 by default.
     */
    protected long ticksPerInvocation()
    {
        return 1;
    }

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
        invocations = 0;
        ticksBefore = organism.ticks();
        countBefore = counted(organism.stats());
    }

    /**
     * Checks that the iteration ran {@link #ticksPerInvocation()} ticks per invocation, at least one invocation, and
     * that every tick grew the counter by exactly {@link #perTick()}.
     *
     * @throws IllegalStateException naming the check that failed and the organism's counters.
     */
    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        final Stats stats = organism.stats();
        final long ticks = organism.ticks() - ticksBefore;
        Organisms.check(invocations > 0 && ticks == invocations * ticksPerInvocation(),
            ticksPerInvocation() + " tick(s) in each of the iteration's invocations (" + invocations +
            " invocations, " + ticks + " ticks)", stats);
        Organisms.check(counted(stats) - countBefore == ticks * perTick(),
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
