package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;

/**
 * One workload run on one peer engine: prints the same JSON line shape as Karyon's run of it, with {@code engine}
 * set to the peer, after the same self-checks.
 */
public abstract class PeerWorkload
{
    private final String workload;
    final String engine;

    PeerWorkload(final String workload, final String engine)
    {
        this.workload = workload;
        this.engine = engine;
    }

    /**
     * The workload's id.
     *
     * @return e.g. "W2".
     */
    public final String workload()
    {
        return workload;
    }

    /**
     * The peer engine's name.
     *
     * @return {@link Peers#JVM_OBJECTS} or {@link Peers#PEKKO}.
     */
    public final String engine()
    {
        return engine;
    }

    /**
     * Runs the warm-up and measured rounds and checks the results.
     *
     * @param params  as given to {@code karyon bench}.
     * @param workers threads the peer runs on: the workers Karyon ran the workload on.
     * @return the JSON line.
     * @throws io.karyon.perf.WorkloadCheckException if a self-check fails.
     */
    public abstract String run(BenchParams params, int workers);
}
