package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.cell.CellStorage;
import io.karyon.model.Model;
import io.karyon.shard.ShardRun;

import java.util.Locale;
import java.util.Map;

/**
 * {@code karyon bench W2|W3 --shards S}: the workload, as a bench-only model ({@link W2RingModel},
 * {@link W3TickModel}), run alternately in one process of S x W workers and over S shard processes of W workers on
 * this host ({@code --workers W}, default 1; {@code --transport ipc|udp}), through {@link Sharded}'s rounds: the
 * digests must match, and the whole run's counters, gathered on shard 0, must say the work was done (W2: every hop
 * delivered and counted by the cells, none pending or dead; W3: cells x ticks cell-updates). Each round sets the
 * workload up afresh both ways (set-up not timed) and the shard processes are new JVMs each round. Observed once,
 * after the last tick. The JSON line has the workload's fields for the sharded run (its rate the median of the
 * measured rounds) and {@link Sharded.Series#fields the sharded ones}; no tick latencies (a sharded tick's time is
 * the barrier's round trip, given instead) and no triad.
 */
final class ShardedWorkloads
{
    private ShardedWorkloads()
    {
    }

    /**
     * W2 sharded.
     *
     * @param params    of the bench.
     * @param shards    processes.
     * @param transport {@link Sharded#IPC} or {@link Sharded#UDP}.
     * @return the JSON line.
     */
    static String w2(final BenchParams params, final int shards, final String transport)
    {
        final int workers = Sharded.workers(params);
        final long hopsPerToken = params.hops() / params.tokens();
        final long hops = hopsPerToken * params.tokens();
        final ShardRun.Spec spec = new ShardRun.Spec(new W2RingModel(), Map.of(
            W2RingModel.TOKENS, params.tokens(), W2RingModel.HOPS_PER_TOKEN, hopsPerToken,
            W2RingModel.PLACEMENT, params.ringPlacement()), params.cells(), hopsPerToken, params.seed(), workers,
            (int)Math.min(Integer.MAX_VALUE, hopsPerToken));
        final Sharded.Series series = new Sharded.Series(params.rounds());
        final double[] crossShare = new double[params.rounds()];
        for (int r = -params.warmup(); r < params.rounds(); r++)
        {
            final Sharded.Round round = Sharded.round(W2Ring.ID, params, spec, shards, transport);
            checkW2(round, hops, params.tokens());
            params.progress(String.format(Locale.ROOT, "W2 %s round: %,d cells, %,d tokens, %,d hops, 1 x %d " +
                "workers %.1fM hops/s, %d x %d over %s %.1fM hops/s, %.0f bytes/tick", r < 0 ? "warm-up" : "measured",
                params.cells(), params.tokens(), hops, shards * workers, hops / round.oneSeconds() / 1e6, shards,
                workers, transport, hops / round.shardedSeconds() / 1e6, round.bytesPerTick()));
            if (r >= 0)
            {
                series.record(r, round, hops);
                crossShare[r] = (double)round.shardedLong("cross_worker") / (round.shardedLong("sent") -
                    params.tokens());
            }
        }
        return series.fields(W2Ring.fields(params, workers, hops, series.shardedSeconds, series.shardedRate,
            crossShare), W2Ring.ID, params, shards, transport, "hops_per_s").toString();
    }

    /**
     * W3 sharded.
     *
     * @param params    of the bench.
     * @param storage   of the cells ({@code --layout}).
     * @param shards    processes.
     * @param transport {@link Sharded#IPC} or {@link Sharded#UDP}.
     * @return the JSON line.
     */
    static String w3(final BenchParams params, final CellStorage storage, final int shards, final String transport)
    {
        final int workers = Sharded.workers(params);
        final String layout = storage.name().toLowerCase(Locale.ROOT);
        final Model model = new W3TickModel();
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(W3TickModel.LAYOUT, layout), params.cells(),
            params.ticks(), params.seed(), workers, params.ticks());
        final double updates = (double)params.cells() * params.ticks();
        final Sharded.Series series = new Sharded.Series(params.rounds());
        for (int r = -params.warmup(); r < params.rounds(); r++)
        {
            final Sharded.Round round = Sharded.round(W3Tick.ID, params, spec, shards, transport);
            checkW3(round, params.cells(), params.ticks());
            params.progress(String.format(Locale.ROOT, "W3 %s round: %,d cells x %,d ticks, 1 x %d workers %.1fM " +
                "cell-updates/s, %d x %d over %s %.1fM cell-updates/s, %.0f bytes/tick", r < 0 ? "warm-up" :
                "measured", params.cells(), params.ticks(), shards * workers, updates / round.oneSeconds() / 1e6,
                shards, workers, transport, updates / round.shardedSeconds() / 1e6, round.bytesPerTick()));
            if (r >= 0)
            {
                series.record(r, round, updates);
            }
        }
        return series.fields(new Json()
            .field("workload", W3Tick.ID)
            .field("engine", "karyon")
            .field("cells", params.cells())
            .field("layout", layout)
            .field("workers", workers)
            .field("ticks", params.ticks())
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(series.shardedSeconds))
            .field("updates_per_s", Rounds.median(series.shardedRate)), W3Tick.ID, params, shards, transport,
            "updates_per_s").toString();
    }

    /**
     * Every hop delivered, none pending or dead, and the cells counted every hop: both ways, the sharded run's
     * counters being the whole run's, gathered on shard 0.
     */
    private static void checkW2(final Sharded.Round round, final long hops, final int tokens)
    {
        for (final boolean sharded : new boolean[]{ false, true })
        {
            final String way = sharded ? "sharded" : "one process";
            final long delivered = value(round, sharded, "delivered");
            final long pending = value(round, sharded, "pending");
            final long dead = value(round, sharded, "dead_letters");
            final long counted = value(round, sharded, W2RingModel.HOPS);
            if (delivered != hops || pending != 0 || dead != 0 || counted != hops)
            {
                throw new WorkloadCheckException(W2Ring.ID, way + ": delivered " + delivered + " hops and the cells " +
                    "counted " + counted + ", expected " + hops + " (" + tokens + " tokens); pending " + pending +
                    ", dead letters " + dead);
            }
        }
    }

    /**
     * Every cell alive and stepped once a tick, by the engine's count: both ways.
     */
    private static void checkW3(final Sharded.Round round, final int n, final int ticks)
    {
        for (final boolean sharded : new boolean[]{ false, true })
        {
            final long alive = value(round, sharded, "alive");
            if (alive != n)
            {
                throw new WorkloadCheckException(W3Tick.ID, (sharded ? "sharded: " : "one process: ") + alive +
                    " cells alive, expected " + n);
            }
            W3Tick.checkUpdates(value(round, sharded, "updates"), n, ticks);
        }
    }

    private static long value(final Sharded.Round round, final boolean sharded, final String field)
    {
        return sharded ? round.shardedLong(field) : round.oneLong(field);
    }
}
