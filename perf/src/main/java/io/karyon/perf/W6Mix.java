package io.karyon.perf;

import io.karyon.cli.Json;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;

/**
 * W6's operation mix, shared by Karyon's run ({@link W6Matrix}), its in-process {@code ConcurrentHashMap} baseline and
 * the peers: the seeded stream of operations each writer runs, the measured rounds of one engine and their JSON line,
 * and the {@code ConcurrentHashMap<Long, double[]>} run itself, which is both the baseline on Karyon's line (engine
 * "chm") and the {@code jvm-objects} peer (the way a plain-JVM program keeps a million keyed doubles).
 */
public final class W6Mix
{
    /** The workload's id. */
    public static final String ID = "W6";
    /** Highest latency the histograms track, in ns. */
    public static final long HIGHEST_NS = 60_000_000_000L;

    private W6Mix()
    {
    }

    /**
     * Operation i of writer w: bit 0 chooses read (0) or read-modify-write (1), bits 1-3 the increment - 1, the high
     * 32 bits the key (uniform over K by multiply-shift).
     *
     * @param seed   as given to {@code karyon bench}.
     * @param writer index, 0 to workers - 1.
     * @param i      the operation's index in the writer's round.
     * @return the operation's bits.
     */
    public static long operation(final long seed, final long writer, final long i)
    {
        return BenchParams.generate(seed + writer * 0x632BE59BD9B4E019L, i);
    }

    /**
     * Whether an operation is a read-modify-write (else a read).
     *
     * @param operation from {@link #operation(long, long, long)}.
     * @return true for a read-modify-write.
     */
    public static boolean isUpdate(final long operation)
    {
        return 0 != (operation & 1);
    }

    /**
     * The key an operation touches.
     *
     * @param operation from {@link #operation(long, long, long)}.
     * @param keys      K.
     * @return the key, 0 to K - 1.
     */
    public static int key(final long operation, final int keys)
    {
        return (int)(((operation >>> 32) * keys) >>> 32);
    }

    /**
     * What a read-modify-write adds to its key: a small integer, so that sums of them are exact in a double.
     *
     * @param operation from {@link #operation(long, long, long)}.
     * @return 1 to 8.
     */
    public static long increment(final long operation)
    {
        return 1 + ((operation >>> 1) & 7);
    }

    /**
     * A latency histogram of the range the W6 lines report.
     *
     * @return an empty histogram of ns.
     */
    public static Histogram histogram()
    {
        return new Histogram(1, HIGHEST_NS, 3);
    }

    /**
     * Records one latency, clamped into the histogram's range.
     *
     * @param histogram where it goes.
     * @param latencyNs the latency.
     */
    public static void record(final Histogram histogram, final long latencyNs)
    {
        histogram.recordValue(Math.min(Math.max(1, latencyNs), HIGHEST_NS));
    }

    /**
     * The baseline's read-modify-write: adds an increment under the map's bin lock, without allocating.
     */
    static final class Adder implements BiFunction<Long, double[], double[]>
    {
        long increment;

        public double[] apply(final Long key, final double[] value)
        {
            value[0] += increment;
            return value;
        }
    }

    /**
     * Where an engine keeps the K sites, and its writers.
     */
    public interface Sites extends AutoCloseable
    {
        /**
         * What holds the sites, for messages: e.g. "ConcurrentHashMap".
         *
         * @return a short description.
         */
        String description();

        /**
         * Runs one round: writer w runs operations 0 to M - 1 of its seeded stream ({@link #operation}), recording
         * each one's latency in its histogram, and returns once every writer is done.
         *
         * @param seed         as given to {@code karyon bench}.
         * @param opsPerWriter M.
         * @param histograms   one per writer, reset.
         * @param increments   set: per writer, the sum of the increments it added.
         * @param ops          set: per writer, the operations it ran.
         * @return the round's wall time in seconds, from the writers' start to the last one's end.
         */
        double round(long seed, long opsPerWriter, Histogram[] histograms, long[] increments, long[] ops);

        /**
         * The sum of every site's value, read when no writer runs.
         *
         * @return the total.
         */
        double total();

        /**
         * Stops the engine.
         */
        void close();
    }

    /**
     * Runs the warm-up and measured rounds of W6 on an engine's sites. The checks: every writer ran M operations, and
     * the sites' total changed by exactly the sum of the increments (small integers, so the sums are exact).
     *
     * @param params       as given to {@code karyon bench}.
     * @param opsPerWriter M.
     * @param workers      writers.
     * @param engine       its name in progress lines and messages.
     * @param sites        the engine's sites and writers.
     * @return the measured rounds.
     * @throws WorkloadCheckException if a check fails.
     */
    public static Result run(
        final BenchParams params, final long opsPerWriter, final int workers, final String engine, final Sites sites)
    {
        final Result result = new Result(params.rounds(), workers);
        final Histogram[] histograms = new Histogram[workers];
        for (int w = 0; w < workers; w++)
        {
            histograms[w] = histogram();
        }
        final long[] increments = new long[workers];
        final long[] ops = new long[workers];
        for (int r = -params.warmup(); r < params.rounds(); r++)
        {
            final double before = sites.total();
            for (int w = 0; w < workers; w++)
            {
                histograms[w].reset();
                increments[w] = 0;
                ops[w] = 0;
            }
            final double seconds = sites.round(params.seed(), opsPerWriter, histograms, increments, ops);
            long added = 0;
            for (int w = 0; w < workers; w++)
            {
                added += increments[w];
                if (ops[w] != opsPerWriter)
                {
                    throw new WorkloadCheckException(ID, engine + ": writer " + w + " ran " + ops[w] +
                        " operations, expected " + opsPerWriter);
                }
            }
            final double change = sites.total() - before;
            if (change != added)
            {
                throw new WorkloadCheckException(ID, engine + ": the " + sites.description() + " changed by " +
                    change + " but the writers added " + added);
            }
            result.round(params, r, engine, seconds, (double)opsPerWriter * workers, histograms);
        }
        return result;
    }

    /**
     * Runs W6 on a {@code ConcurrentHashMap<Long, double[]>} ({@link #chm(int, int, String)}).
     *
     * @param params       as given to {@code karyon bench}.
     * @param keys         K.
     * @param opsPerWriter M.
     * @param workers      writers.
     * @param engine       its name in progress lines and the JSON line, e.g. "chm".
     * @return the measured rounds.
     * @throws WorkloadCheckException if a check fails.
     */
    public static Result runChm(
        final BenchParams params, final int keys, final long opsPerWriter, final int workers, final String engine)
    {
        try (Sites sites = chm(keys, workers, engine))
        {
            return run(params, opsPerWriter, workers, engine, sites);
        }
    }

    /**
     * K sites in a {@code ConcurrentHashMap<Long, double[]>}, the plain-JVM way: one thread per writer, each running
     * the same seeded operations as Karyon's writer of the same index, a read being {@code get} and a
     * read-modify-write {@code computeIfPresent}.
     *
     * @param keys    K.
     * @param workers writers.
     * @param engine  its name, for the writers' thread names.
     * @return the sites, all 0.
     */
    public static Sites chm(final int keys, final int workers, final String engine)
    {
        return new ChmSites(keys, workers, engine);
    }

    private static final class ChmSites implements Sites
    {
        private final ConcurrentHashMap<Long, double[]> map;
        private final int keys;
        private final int workers;
        private final String engine;

        ChmSites(final int keys, final int workers, final String engine)
        {
            this.keys = keys;
            this.workers = workers;
            this.engine = engine;
            map = new ConcurrentHashMap<>(keys * 2);
            for (long k = 0; k < keys; k++)
            {
                map.put(k, new double[1]);
            }
        }

        public String description()
        {
            return "ConcurrentHashMap";
        }

        public double round(final long seed, final long opsPerWriter, final Histogram[] histograms,
            final long[] increments, final long[] ops)
        {
            final double[] sinks = new double[workers];
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] threads = new Thread[workers];
            for (int w = 0; w < workers; w++)
            {
                final int writer = w;
                threads[w] = new Thread(() ->
                {
                    final Histogram histogram = histograms[writer];
                    final Adder adder = new Adder();
                    long added = 0;
                    double sink = 0;
                    try
                    {
                        start.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    long i = 0;
                    for (; i < opsPerWriter; i++)
                    {
                        final long operation = operation(seed, writer, i);
                        final long key = key(operation, keys);
                        final long startNs = System.nanoTime();
                        if (isUpdate(operation))
                        {
                            adder.increment = increment(operation);
                            sink += map.computeIfPresent(key, adder)[0];
                            added += adder.increment;
                        }
                        else
                        {
                            sink += map.get(key)[0];
                        }
                        record(histogram, System.nanoTime() - startNs);
                    }
                    increments[writer] = added;
                    ops[writer] = i;
                    sinks[writer] = sink;
                }, "w6-" + engine + "-" + w);
                threads[w].start();
            }
            final long startNs = System.nanoTime();
            start.countDown();
            for (final Thread thread : threads)
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while W6 ran on the ConcurrentHashMap", ex);
                }
            }
            return (System.nanoTime() - startNs) / 1e9;
        }

        public double total()
        {
            double total = 0.0;
            for (final double[] value : map.values())
            {
                total += value[0];
            }
            return total;
        }

        public void close()
        {
            map.clear();
        }
    }

    /**
     * The measured rounds of one engine: per round its rate and latency percentiles, and the histogram of every
     * measured operation.
     */
    public static final class Result
    {
        final double[] seconds;
        final double[] opsPerS;
        final double[] p50;
        final double[] p99;
        final double[] p999;
        final double[] max;
        final Histogram all = histogram();
        final int workers;
        double ops;

        /**
         * Empty rounds.
         *
         * @param rounds  measured rounds.
         * @param workers writers.
         */
        public Result(final int rounds, final int workers)
        {
            this.workers = workers;
            seconds = new double[rounds];
            opsPerS = new double[rounds];
            p50 = new double[rounds];
            p99 = new double[rounds];
            p999 = new double[rounds];
            max = new double[rounds];
        }

        /**
         * Adds a round and prints its progress line.
         *
         * @param params       as given to {@code karyon bench}, for the progress line.
         * @param r            the round: negative for warm-up rounds, which are only printed.
         * @param engine       for the progress line.
         * @param roundSeconds the round's wall time.
         * @param roundOps     the operations of all writers in the round.
         * @param histograms   the writers' latencies in the round.
         */
        public void round(final BenchParams params, final int r, final String engine, final double roundSeconds,
            final double roundOps, final Histogram[] histograms)
        {
            final Histogram round = histogram();
            for (final Histogram histogram : histograms)
            {
                round.add(histogram);
            }
            final double rate = roundOps / roundSeconds;
            params.progress(String.format(Locale.ROOT,
                "W6 %s %s round: %,.0f ops on %d writer(s), %.2fM ops/s, p50 %.2f us, p99.9 %.2f us, max %.0f us",
                engine, r < 0 ? "warm-up" : "measured", roundOps, workers, rate / 1e6,
                round.getValueAtPercentile(50) / 1e3, round.getValueAtPercentile(99.9) / 1e3,
                round.getMaxValue() / 1e3));
            if (r >= 0)
            {
                all.add(round);
                ops = roundOps;
                seconds[r] = roundSeconds;
                opsPerS[r] = rate;
                p50[r] = round.getValueAtPercentile(50) / 1e3;
                p99[r] = round.getValueAtPercentile(99) / 1e3;
                p999[r] = round.getValueAtPercentile(99.9) / 1e3;
                max[r] = round.getMaxValue() / 1e3;
            }
        }

        /**
         * The median operations per second of the measured rounds.
         *
         * @return ops per s.
         */
        public double opsPerS()
        {
            return Rounds.median(opsPerS);
        }

        /**
         * The latencies of every measured operation.
         *
         * @return the histogram, in ns.
         */
        public Histogram all()
        {
            return all;
        }

        /**
         * The engine's JSON line so far (more fields may follow).
         *
         * @param params as given to {@code karyon bench}.
         * @param keys   K.
         * @param engine its name.
         * @param hgrm   the percentile file written from {@link #all()}.
         * @return the line's fields.
         */
        public Json json(final BenchParams params, final int keys, final String engine, final Path hgrm)
        {
            return new Json()
                .field("workload", ID)
                .field("engine", engine)
                .field("cells", keys)
                .field("workers", workers)
                .field("ops", (long)ops)
                .field("rounds", params.rounds())
                .field("seconds", Rounds.median(seconds))
                .field("ops_per_s", Rounds.median(opsPerS))
                .field("p50_us", Rounds.median(p50))
                .field("p99_us", Rounds.median(p99))
                .field("p999_us", Rounds.median(p999))
                .field("max_us", Rounds.median(max))
                .field("hgrm", hgrm.toString());
        }
    }
}
