package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.shard.ShardLauncher;
import io.karyon.shard.ShardRun;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * {@code shards}: the cost of sharding, the {@code ring} model ({@code --cells}, {@code --ticks}) run alternately in
 * one process of S x W workers and over S shard processes of W workers on this host ({@code --shards S},
 * {@code --workers W}, default 1), joined over Aeron IPC or UDP on the loopback ({@code --transport}). Figures, each
 * the median of the measured rounds: ticks per second both ways and their ratio; the barrier's round trip on shard 0
 * (from the end of its sends for a tick to the last other shard's block for that tick: with few cells, the whole
 * cost of a tick beside one process's), p50 and p99 over every tick of the measured rounds; the bytes shard 0 sent
 * per tick, and per cross-shard record (a record is 28 bytes; the rest is each block's tick and each pair of workers'
 * queue counts; 0 when no record crossed). Both ways observe once, after the last tick (a sharded run gathers its
 * observations on shard 0 over the link at each observed tick, a round trip more per tick by default). Both ways must
 * give the same digest, or the round fails.
 */
final class Sharded
{
    static final String ID = "shards";
    /** The transports, as {@code --transport} names them. */
    static final String IPC = "ipc";
    static final String UDP = "udp";

    // Per block: the tick, then per pair of workers three empty queues (count, runs) and the notices' count.
    private static final int BLOCK_TICK_BYTES = Long.BYTES;
    private static final int PAIR_BYTES = 3 * 2 * Integer.BYTES + Integer.BYTES;
    private static final int RECORD_BYTES = 3 * Long.BYTES + Integer.BYTES;

    private Sharded()
    {
    }

    static String run(final BenchParams params, final int shards, final String transport)
    {
        final int workers = Math.max(1, params.context().workerCount());
        final Model ring = ModelCatalog.load(Sharded.class.getClassLoader()).find("ring");
        // Observed once, after the last tick, both ways: the figures are the barrier's, not the gathering's.
        final ShardRun.Spec spec = new ShardRun.Spec(ring, Map.of(), params.cells(), params.ticks(), params.seed(),
            workers, params.ticks());
        final double[] oneTicksPerS = new double[params.rounds()];
        final double[] shardTicksPerS = new double[params.rounds()];
        final double[] bytesPerTick = new double[params.rounds()];
        final double[] bytesPerRecord = new double[params.rounds()];
        final Histogram roundTrips = new Histogram(LatencyRounds.HIGHEST_TICK_NS, 3);
        for (int r = -params.warmup(); r < params.rounds(); r++)
        {
            final ModelRun.Result one = ModelRun.builder(ring).context(params.context().workerCount(shards * workers))
                .seed(params.seed()).cells(params.cells()).ticks(params.ticks()).every(params.ticks())
                .progress(Progress.NONE).run();
            final double oneRate = params.ticks() / ((Number)one.summary().get("run_s")).doubleValue();
            final Histogram round = new Histogram(LatencyRounds.HIGHEST_TICK_NS, 3);
            final ShardRun.Result sharded = ShardLauncher.launch(spec, shards, params.context(), UDP.equals(transport),
                round);
            if (sharded.digest() != one.digest())
            {
                throw new WorkloadCheckException(ID, String.format(Locale.ROOT, "%d shards gave digest 0x%016x, one " +
                    "process of %d workers 0x%016x", shards, sharded.digest(), shards * workers, one.digest()));
            }
            final double shardRate = sharded.ticks() * 1e9 / sharded.runNs();
            final long empty = sharded.blocksSent() * (BLOCK_TICK_BYTES + (long)workers * workers * PAIR_BYTES);
            final double records = (sharded.bytesSent() - empty) / (double)RECORD_BYTES;
            params.progress(String.format(Locale.ROOT, "shards %s round: ring of %,d cells x %,d ticks, 1 x %d " +
                "workers %.0f ticks/s, %d x %d over %s %.0f ticks/s, round trip p50 %.0f us p99 %.0f us, %.0f " +
                "bytes/tick", r < 0 ? "warm-up" : "measured", params.cells(), params.ticks(), shards * workers,
                oneRate, shards, workers, transport, shardRate, round.getValueAtPercentile(50) / 1e3,
                round.getValueAtPercentile(99) / 1e3, (double)sharded.bytesSent() / sharded.ticks()));
            if (r >= 0)
            {
                oneTicksPerS[r] = oneRate;
                shardTicksPerS[r] = shardRate;
                bytesPerTick[r] = (double)sharded.bytesSent() / sharded.ticks();
                bytesPerRecord[r] = records >= 1 ? sharded.bytesSent() / records : 0;
                roundTrips.add(round);
            }
        }
        final Path hgrm = Histograms.write(params.out(), ID + "-" + transport, roundTrips);
        final double one = Rounds.median(oneTicksPerS);
        final double sharded = Rounds.median(shardTicksPerS);
        return new Json()
            .field("workload", ID)
            .field("engine", "karyon")
            .field("model", "ring")
            .field("cells", params.cells())
            .field("ticks", params.ticks())
            .field("rounds", params.rounds())
            .field("shards", shards)
            .field("workers", workers)
            .field("transport", transport)
            .field("one_process_ticks_per_s", one)
            .field("sharded_ticks_per_s", sharded)
            .field("sharded_over_one", sharded / one)
            .field("round_trip_p50_us", roundTrips.getValueAtPercentile(50) / 1e3)
            .field("round_trip_p99_us", roundTrips.getValueAtPercentile(99) / 1e3)
            .field("round_trip_max_us", roundTrips.getMaxValue() / 1e3)
            .field("shard0_bytes_per_tick", Rounds.median(bytesPerTick))
            .field("bytes_per_record", Rounds.median(bytesPerRecord))
            .field("hgrm", hgrm.toString())
            .toString();
    }
}
