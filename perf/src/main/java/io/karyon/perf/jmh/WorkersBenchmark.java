package io.karyon.perf.jmh;

import io.karyon.scheduler.ThreadingMode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * An {@link OrganismBenchmark} whose workers run as the benchmark's parameters say: on the benchmark thread
 * ({@code INVOKER}) or each on its own ({@code DEDICATED}), with an idle strategy and pinning.
 * <p>
 * <b>Note:</b> one organism per benchmark, driven by one benchmark thread; JMH takes parameters only from a
 * {@code @State} class, hence the annotation here as well as on each benchmark.
 */
@State(Scope.Benchmark)
public abstract class WorkersBenchmark extends OrganismBenchmark
{
    /** How the workers run: INVOKER or DEDICATED. */
    @Param({ "INVOKER", "DEDICATED" })
    public ThreadingMode mode;

    /** Idle strategy of DEDICATED workers. */
    @Param({ "backoff" })
    public String idle;

    /** Whether DEDICATED workers are pinned; off by default, the benchmark thread needs a core too. */
    @Param({ "false" })
    public boolean pin;

    /**
     * Launches {@link #organism}, the organism under measurement, with these parameters.
     *
     * @param workers how many.
     */
    protected void launch(final int workers)
    {
        organism = Organisms.launch(workers, mode, idle, pin);
    }
}
