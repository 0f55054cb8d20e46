package io.karyon.perf;

import io.karyon.cli.Json;
import io.karyon.engine.MemoryBudget;
import io.karyon.engine.Organism;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code stream}: the machine's memory bandwidth, measured in the same JVM as the workloads, with STREAM's copy
 * ({@code c[i] = a[i]}) and triad ({@code a[i] = b[i] + q * c[i]}) over {@code double[]} arrays far larger than the
 * last-level cache. Each worker of an organism launched as the workloads launch theirs (so pinned as their workers
 * are, and on the same CPUs) allocates and first touches its own three arrays, then runs the kernels over them, all
 * workers at once; a kernel's time is the wall time from the driver posting it to the last worker finishing.
 * Bytes are counted as STREAM counts them: copy 2 x 8 bytes per element, triad 3 x 8 (the write-allocate read of
 * the destination is not counted). Headline figures: {@code copy_bytes_per_s} and {@code triad_bytes_per_s}, each
 * the median of the measured rounds, a round being {@link #PASSES} passes of each kernel.
 * <p>
 * A third kernel, not STREAM's, updates one array in place with W3's arithmetic ({@code c[i] = 3.9 c[i] (1 - c[i])},
 * counted 2 x 8 bytes): {@code update_bytes_per_s}, the yardstick of a tick that sweeps memory reading and writing
 * the same lines, which pays no write-allocate and streams one array, not three, and so can run well above triad.
 * <p>
 * The arrays take {@code --bytes} in all (three arrays per worker), by default {@link #defaultBytes()}: 8 times the
 * last-level cache and at least 512 MiB. W2, W3 and W4 run a short triad ({@link #triad}) in their own organism
 * after their rounds (before them, its arrays left the rounds 5-14% slower), to print {@code stream_fraction}
 * beside their rate.
 * <p>
 * The check: after every round each worker's arrays hold what the same passes give on one element with plain scalar
 * arithmetic (first, middle and last element of each array, bit for bit).
 */
final class Stream
{
    static final String ID = "stream";
    /** Smallest --bytes: below this the arrays measure a cache, whatever the machine. */
    static final long MIN_BYTES = 1L << 20;
    /** Default --bytes, at least: 512 MiB. */
    static final long FLOOR_BYTES = 512L << 20;
    /** The default is this many times the last-level cache. */
    static final int CACHE_MULTIPLE = 8;
    /** Passes of each kernel in a round. */
    static final int PASSES = 5;
    /** Measured passes of the triad W2, W3 and W4 run after their rounds, after {@link #TRIAD_WARMUP} others. */
    static final int TRIAD_PASSES = 3;
    static final int TRIAD_WARMUP = 2;

    private static final double Q = 0.5;
    private static final int ELEMENT = Double.BYTES;
    private static final Path CPUS = Path.of("/sys/devices/system/cpu");

    private Stream()
    {
    }

    static String run(final BenchParams params)
    {
        final long bytes = bytesOf(params);
        final double[] copyPerS = new double[params.rounds()];
        final double[] triadPerS = new double[params.rounds()];
        final double[] updatePerS = new double[params.rounds()];
        final double[] seconds = new double[params.rounds()];
        final int workers;
        final long elements;
        try (Organism organism = Organism.launch(params.context()))
        {
            workers = organism.workerCount();
            final Arrays3 arrays = Arrays3.allocate(organism, bytes);
            elements = arrays.elements();
            for (int r = -params.warmup(); r < params.rounds(); r++)
            {
                long copyNs = 0;
                long triadNs = 0;
                long updateNs = 0;
                for (int p = 0; p < PASSES; p++)
                {
                    copyNs += arrays.copy(organism);
                    triadNs += arrays.triad(organism);
                    updateNs += arrays.update(organism);
                }
                arrays.check();
                final double copy = (double)PASSES * 2 * ELEMENT * elements / (copyNs / 1e9);
                final double triad = (double)PASSES * 3 * ELEMENT * elements / (triadNs / 1e9);
                final double update = (double)PASSES * 2 * ELEMENT * elements / (updateNs / 1e9);
                params.progress(String.format(Locale.ROOT,
                    "stream %s round: %s of arrays on %d thread(s), copy %.2f GB/s, triad %.2f GB/s, update %.2f GB/s",
                    r < 0 ? "warm-up" : "measured", MemoryBudget.format(arrays.bytes()), workers, copy / 1e9,
                    triad / 1e9, update / 1e9));
                if (r >= 0)
                {
                    copyPerS[r] = copy;
                    triadPerS[r] = triad;
                    updatePerS[r] = update;
                    seconds[r] = (copyNs + triadNs + updateNs) / 1e9;
                }
            }
        }
        return new Json()
            .field("workload", ID)
            .field("engine", "karyon")
            .field("workers", workers)
            .field("threads", workers)
            .field("array_bytes", 3L * ELEMENT * elements)
            .field("llc_bytes", lastLevelCacheBytes())
            .field("passes", PASSES)
            .field("rounds", params.rounds())
            .field("seconds", Rounds.median(seconds))
            .field("copy_bytes_per_s", Rounds.median(copyPerS))
            .field("triad_bytes_per_s", Rounds.median(triadPerS))
            .field("update_bytes_per_s", Rounds.median(updatePerS))
            .toString();
    }

    /**
     * A short triad on an organism's workers, before a workload spawns its cells: {@link #TRIAD_WARMUP} passes, then
     * the median of {@link #TRIAD_PASSES}. The arrays are dropped afterwards.
     *
     * @param organism of the workload, with no cells yet.
     * @param params   of the run: {@code --bytes}.
     * @param workload id, for the progress line.
     * @return triad bytes per second, counted as STREAM does.
     */
    static double triad(final Organism organism, final BenchParams params, final String workload)
    {
        final Arrays3 arrays = Arrays3.allocate(organism, bytesOf(params));
        final double[] perS = new double[TRIAD_PASSES];
        for (int p = -TRIAD_WARMUP; p < TRIAD_PASSES; p++)
        {
            final long ns = arrays.triad(organism);
            if (p >= 0)
            {
                perS[p] = 3.0 * ELEMENT * arrays.elements() / (ns / 1e9);
            }
        }
        arrays.check();
        final double triad = Rounds.median(perS);
        params.progress(String.format(Locale.ROOT, "%s: stream triad over %s of arrays on %d thread(s): %.2f GB/s",
            workload, MemoryBudget.format(arrays.bytes()), organism.workerCount(), triad / 1e9));
        return triad;
    }

    /**
     * The bytes of arrays a run asks for: {@code --bytes}, else {@link #defaultBytes()}.
     */
    static long bytesOf(final BenchParams params)
    {
        return params.streamBytes() > 0 ? params.streamBytes() : defaultBytes();
    }

    /**
     * The default size of the arrays: {@link #CACHE_MULTIPLE} times the last-level cache, at least
     * {@link #FLOOR_BYTES}.
     *
     * @return bytes, in all.
     */
    static long defaultBytes()
    {
        return Math.max(FLOOR_BYTES, CACHE_MULTIPLE * lastLevelCacheBytes());
    }

    /**
     * The most --bytes this JVM can hold: the arrays are on the heap, so half of its maximum (large arrays need
     * whole contiguous regions), and within the organism's memory budget.
     *
     * @param budget the organism's memory budget ({@code --max-memory}).
     * @return bytes.
     */
    static long maxBytes(final long budget)
    {
        return Math.min(Runtime.getRuntime().maxMemory() / 2, budget);
    }

    /**
     * The machine's last-level cache in all: the size of the highest-level cache of CPU 0, times the number of
     * distinct instances of that cache among the CPUs, from sysfs.
     *
     * @return bytes, or 32 MiB where sysfs does not say.
     */
    static long lastLevelCacheBytes()
    {
        try
        {
            String lastIndex = null;
            int lastLevel = -1;
            try (DirectoryStream<Path> indexes = Files.newDirectoryStream(CPUS.resolve("cpu0/cache"), "index*"))
            {
                for (final Path index : indexes)
                {
                    final int level = Integer.parseInt(Files.readString(index.resolve("level")).strip());
                    if (level > lastLevel)
                    {
                        lastLevel = level;
                        lastIndex = index.getFileName().toString();
                    }
                }
            }
            if (null == lastIndex)
            {
                return 32L << 20;
            }
            final long size = parseCacheSize(Files.readString(CPUS.resolve("cpu0/cache/" + lastIndex + "/size")));
            final Set<String> instances = new HashSet<>();
            try (DirectoryStream<Path> cpus = Files.newDirectoryStream(CPUS, "cpu[0-9]*"))
            {
                for (final Path cpu : cpus)
                {
                    final Path shared = cpu.resolve("cache/" + lastIndex + "/shared_cpu_list");
                    if (Files.isReadable(shared))
                    {
                        instances.add(Files.readString(shared).strip());
                    }
                }
            }
            return size * Math.max(1, instances.size());
        }
        catch (final IOException | RuntimeException ex)
        {
            return 32L << 20;
        }
    }

    /**
     * A sysfs cache size: {@code 32768K}, {@code 2M} or bytes.
     */
    static long parseCacheSize(final String text)
    {
        final String size = text.strip().toUpperCase(Locale.ROOT);
        final char unit = size.isEmpty() ? ' ' : size.charAt(size.length() - 1);
        final int shift = 'K' == unit ? 10 : 'M' == unit ? 20 : 'G' == unit ? 30 : 0;
        return Long.parseLong(0 == shift ? size : size.substring(0, size.length() - 1)) << shift;
    }

    /**
     * STREAM's copy over one worker's arrays.
     */
    static void copy(final double[] a, final double[] c)
    {
        for (int i = 0; i < a.length; i++)
        {
            c[i] = a[i];
        }
    }

    /**
     * STREAM's triad over one worker's arrays.
     */
    static void triad(final double[] a, final double[] b, final double[] c, final double q)
    {
        for (int i = 0; i < a.length; i++)
        {
            a[i] = b[i] + q * c[i];
        }
    }

    /**
     * W3's arithmetic in place over one worker's array: not STREAM's, see the class comment.
     */
    static void update(final double[] c)
    {
        for (int i = 0; i < c.length; i++)
        {
            final double x = c[i];
            c[i] = 3.9 * x * (1.0 - x);
        }
    }

    /**
     * Three arrays per worker, each allocated and first touched by its worker, and the value every element should
     * hold (all elements of an array are alike, as in STREAM).
     */
    private static final class Arrays3
    {
        private final double[][] a;
        private final double[][] b;
        private final double[][] c;
        private final int perWorker;
        private double expectA = 1.0;
        private double expectC;

        private Arrays3(final int workers, final int perWorker)
        {
            this.a = new double[workers][];
            this.b = new double[workers][];
            this.c = new double[workers][];
            this.perWorker = perWorker;
        }

        static Arrays3 allocate(final Organism organism, final long bytes)
        {
            final int workers = organism.workerCount();
            final long perWorker = Math.max(1, bytes / (3L * ELEMENT * workers));
            if (perWorker > Integer.MAX_VALUE - 8)
            {
                throw new IllegalArgumentException("stream arrays of " + perWorker + " elements per worker are " +
                    "more than a Java array holds: give fewer --bytes or more workers");
            }
            final Arrays3 arrays = new Arrays3(workers, (int)perWorker);
            organism.onWorkers((worker, count) ->
            {
                arrays.a[worker] = new double[arrays.perWorker];
                arrays.b[worker] = new double[arrays.perWorker];
                arrays.c[worker] = new double[arrays.perWorker];
                Arrays.fill(arrays.a[worker], 1.0);
                Arrays.fill(arrays.b[worker], 2.0);
                Arrays.fill(arrays.c[worker], 0.0);
            });
            return arrays;
        }

        long elements()
        {
            return (long)perWorker * a.length;
        }

        long bytes()
        {
            return 3L * ELEMENT * elements();
        }

        long copy(final Organism organism)
        {
            final long startNs = System.nanoTime();
            organism.onWorkers((worker, count) -> Stream.copy(a[worker], c[worker]));
            final long ns = System.nanoTime() - startNs;
            expectC = expectA;
            return ns;
        }

        long triad(final Organism organism)
        {
            final long startNs = System.nanoTime();
            organism.onWorkers((worker, count) -> Stream.triad(a[worker], b[worker], c[worker], Q));
            final long ns = System.nanoTime() - startNs;
            expectA = 2.0 + Q * expectC;
            return ns;
        }

        long update(final Organism organism)
        {
            final long startNs = System.nanoTime();
            organism.onWorkers((worker, count) -> Stream.update(c[worker]));
            final long ns = System.nanoTime() - startNs;
            expectC = 3.9 * expectC * (1.0 - expectC);
            return ns;
        }

        void check()
        {
            for (int w = 0; w < a.length; w++)
            {
                for (final int i : new int[] { 0, perWorker / 2, perWorker - 1 })
                {
                    if (Double.doubleToRawLongBits(a[w][i]) != Double.doubleToRawLongBits(expectA) ||
                        Double.doubleToRawLongBits(b[w][i]) != Double.doubleToRawLongBits(2.0) ||
                        Double.doubleToRawLongBits(c[w][i]) != Double.doubleToRawLongBits(expectC))
                    {
                        throw new WorkloadCheckException(ID, "worker " + w + " element " + i + " holds a=" + a[w][i] +
                            " b=" + b[w][i] + " c=" + c[w][i] + ", scalar arithmetic gives a=" + expectA +
                            " b=2.0 c=" + expectC);
                    }
                }
            }
        }
    }
}
