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
 * give the same digest, or the round fails. {@link #round}, {@link Round} and {@link Series} are also the rounds of
 * W2 and W3 with {@code --shards} ({@link ShardedWorkloads}).
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
        final int workers = workers(params);
        final Model ring = ModelCatalog.load(Sharded.class.getClassLoader()).find("ring");
        // Observed once, after the last tick, both ways: the figures are the barrier's, not the gathering's.
        final ShardRun.Spec spec = new ShardRun.Spec(ring, Map.of(), params.cells(), params.ticks(), params.seed(),
            workers, params.ticks());
        final Series series = new Series(params.rounds());
        for (int r = -params.warmup(); r < params.rounds(); r++)
        {
            final Round round = round(ID, params, spec, shards, transport);
            final double oneRate = params.ticks() / round.oneSeconds();
            final double shardRate = params.ticks() / round.shardedSeconds();
            params.progress(String.format(Locale.ROOT, "shards %s round: ring of %,d cells x %,d ticks, 1 x %d " +
                "workers %.0f ticks/s, %d x %d over %s %.0f ticks/s, round trip p50 %.0f us p99 %.0f us, %.0f " +
                "bytes/tick", r < 0 ? "warm-up" : "measured", params.cells(), params.ticks(), shards * workers,
                oneRate, shards, workers, transport, shardRate, round.roundTrips().getValueAtPercentile(50) / 1e3,
                round.roundTrips().getValueAtPercentile(99) / 1e3, round.bytesPerTick()));
            if (r >= 0)
            {
                series.record(r, round, params.ticks());
            }
        }
        final Path hgrm = Histograms.write(params.out(), ID + "-" + transport, series.roundTrips);
        final double one = Rounds.median(series.oneRate);
        final double sharded = Rounds.median(series.shardedRate);
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
            .field("round_trip_p50_us", series.roundTrips.getValueAtPercentile(50) / 1e3)
            .field("round_trip_p99_us", series.roundTrips.getValueAtPercentile(99) / 1e3)
            .field("round_trip_max_us", series.roundTrips.getMaxValue() / 1e3)
            .field("shard0_bytes_per_tick", Rounds.median(series.bytesPerTick))
            .field("bytes_per_record", Rounds.median(series.bytesPerRecord))
            .field("hgrm", hgrm.toString())
            .toString();
    }

    /**
     * Workers per shard: {@code --workers}, at least 1.
     *
     * @param params of the bench.
     * @return workers per shard.
     */
    static int workers(final BenchParams params)
    {
        return Math.max(1, params.context().workerCount());
    }

    /**
     * One round of a model both ways: one process of {@code shards x W} workers, then {@code shards} processes of W
     * over the transport, each observed as the spec says; the digests must match.
     *
     * @param id        of the workload, for the failure.
     * @param params    of the bench: context (workers per shard, idling, pinning).
     * @param spec      the run, the same both ways.
     * @param shards    processes.
     * @param transport {@link #IPC} or {@link #UDP}.
     * @return both results and shard 0's barrier round trips.
     * @throws WorkloadCheckException if the digests differ.
     */
    static Round round(final String id, final BenchParams params, final ShardRun.Spec spec, final int shards,
        final String transport)
    {
        final ModelRun.Result one = ShardRun.builder(spec, params.context().workerCount(shards * spec.workers()))
            .progress(Progress.NONE).run();
        final Histogram roundTrips = new Histogram(LatencyRounds.HIGHEST_TICK_NS, 3);
        final ShardRun.Result sharded = ShardLauncher.launch(spec, shards, params.context(), UDP.equals(transport),
            roundTrips);
        if (sharded.digest() != one.digest())
        {
            throw new WorkloadCheckException(id, String.format(Locale.ROOT, "%d shards gave digest 0x%016x, one " +
                "process of %d workers 0x%016x", shards, sharded.digest(), shards * spec.workers(), one.digest()));
        }
        return new Round(one, sharded, roundTrips, spec.workers());
    }

    /**
     * One round both ways.
     *
     * @param one        one process's result, its summary.
     * @param sharded    shard 0's result: the whole run's summary, shard 0's barrier traffic.
     * @param roundTrips shard 0's barrier round trips.
     * @param workers    per shard.
     */
    record Round(ModelRun.Result one, ShardRun.Result sharded, Histogram roundTrips, int workers)
    {
        /**
         * The one process's time of the ticks.
         *
         * @return seconds.
         */
        double oneSeconds()
        {
            return ((Number)one.summary().get("run_s")).doubleValue();
        }

        /**
         * Shard 0's time of the ticks.
         *
         * @return seconds.
         */
        double shardedSeconds()
        {
            return sharded.runNs() / 1e9;
        }

        /**
         * Bytes shard 0 sent the other shards per tick at the barriers.
         *
         * @return bytes per tick.
         */
        double bytesPerTick()
        {
            return (double)sharded.bytesSent() / sharded.ticks();
        }

        /**
         * Bytes shard 0 sent per record that crossed to another shard: all its barrier bytes over its records, a
         * record being what the blocks hold beyond each block's tick and each pair of workers' empty queues,
         * 28 bytes a record (a queue's runs, 8 bytes per sender family with records in it, are
         * counted as records' bytes: with many records per tick, under 1% more records than crossed); 0 when no
         * record crossed.
         *
         * @return bytes per record.
         */
        double bytesPerRecord()
        {
            final long empty = sharded.blocksSent() * (BLOCK_TICK_BYTES + (long)workers * workers * PAIR_BYTES);
            final double records = (sharded.bytesSent() - empty) / (double)RECORD_BYTES;
            return records >= 1 ? sharded.bytesSent() / records : 0;
        }

        /**
         * A value of the one process's summary.
         *
         * @param field its name.
         * @return the value.
         */
        long oneLong(final String field)
        {
            return ((Number)one.summary().get(field)).longValue();
        }

        /**
         * A value of the sharded run's summary: the whole run's, gathered on shard 0.
         *
         * @param field its name.
         * @return the value.
         */
        long shardedLong(final String field)
        {
            return ((Number)sharded.run().summary().get(field)).longValue();
        }
    }

    /**
     * The measured rounds of a workload run both ways: rates, traffic, round trips.
     */
    static final class Series
    {
        final double[] oneRate;
        final double[] shardedRate;
        final double[] shardedSeconds;
        final double[] bytesPerTick;
        final double[] bytesPerRecord;
        final Histogram roundTrips = new Histogram(LatencyRounds.HIGHEST_TICK_NS, 3);
        private long digest;

        Series(final int rounds)
        {
            oneRate = new double[rounds];
            shardedRate = new double[rounds];
            shardedSeconds = new double[rounds];
            bytesPerTick = new double[rounds];
            bytesPerRecord = new double[rounds];
        }

        /**
         * Keeps measured round r.
         *
         * @param r     its index, from 0.
         * @param round its results.
         * @param work  done in the round (ticks, hops, cell-updates), for the rates.
         */
        void record(final int r, final Round round, final double work)
        {
            oneRate[r] = work / round.oneSeconds();
            shardedRate[r] = work / round.shardedSeconds();
            shardedSeconds[r] = round.shardedSeconds();
            bytesPerTick[r] = round.bytesPerTick();
            bytesPerRecord[r] = round.bytesPerRecord();
            roundTrips.add(round.roundTrips());
            digest = round.one().digest();
        }

        /**
         * The sharded fields W2 and W3 print with {@code --shards}: the {@code digest} both ways gave (the same in
         * every round), {@code shards}, {@code transport}, the one
         * process's rate ({@code one_process_<rate>}), {@code sharded_ratio} (sharded over one process, medians),
         * {@code bytes_per_tick}, {@code bytes_per_cross_record} and the round trips, with their .hgrm file.
         *
         * @param json      to add to.
         * @param id        of the workload, for the .hgrm file's name.
         * @param params    of the bench.
         * @param shards    processes.
         * @param transport {@link #IPC} or {@link #UDP}.
         * @param rate      the workload's rate field, e.g. {@code hops_per_s}.
         * @return the json.
         */
        Json fields(final Json json, final String id, final BenchParams params, final int shards,
            final String transport, final String rate)
        {
            final double one = Rounds.median(oneRate);
            return json
                .field("digest", String.format(Locale.ROOT, "0x%016x", digest))
                .field("shards", shards)
                .field("transport", transport)
                .field("one_process_" + rate, one)
                .field("sharded_ratio", Rounds.median(shardedRate) / one)
                .field("bytes_per_tick", Rounds.median(bytesPerTick))
                .field("bytes_per_cross_record", Rounds.median(bytesPerRecord))
                .field("round_trip_p50_us", roundTrips.getValueAtPercentile(50) / 1e3)
                .field("round_trip_p99_us", roundTrips.getValueAtPercentile(99) / 1e3)
                .field("hgrm", Histograms.write(params.out(), id + "-shards-" + transport, roundTrips).toString());
        }
    }
}
