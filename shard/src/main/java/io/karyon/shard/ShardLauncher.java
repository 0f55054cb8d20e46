package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.numa.BindType;
import io.karyon.numa.Topology;
import io.karyon.scheduler.ThreadingMode;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code karyon run --shards N}: one run sharded over N processes on this host, joined over Aeron IPC. This process is
 * shard 0: it makes the run's temporary directory (under {@code /dev/shm} where there is one), starts shards 1 to
 * N-1 as child JVMs ({@link ShardMain}, with this JVM's flags and class path), launches the embedded media driver,
 * runs its part and gathers the digest. A child that ends with an error stops the run at once, with one line naming
 * it; one that stops answering stops it within the timeout ({@value #TIMEOUT_PROP_NAME}, default
 * {@value #TIMEOUT_DEFAULT_MS} ms). No child and no media driver directory outlives the run.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's.
 */
public final class ShardLauncher
{
    /** Property: milliseconds to wait for another shard's block before the run is stopped. */
    public static final String TIMEOUT_PROP_NAME = "karyon.shard.timeout.ms";
    /** Default of {@link #TIMEOUT_PROP_NAME}. */
    public static final long TIMEOUT_DEFAULT_MS = 10_000;
    /**
     * System property: how long the shards wait for each other to join at the start, in ms (default: the larger of
     * {@link #TIMEOUT_PROP_NAME} and 60 s, {@link AeronShardLink#CONNECT_TIMEOUT_NS}).
     */
    public static final String CONNECT_TIMEOUT_PROP_NAME = "karyon.shard.connect.timeout.ms";

    /** {@link ShardMain}'s option for a shard's CPUs. */
    static final String CPUS_OPTION = "--cpus";
    /** {@link ShardMain}'s option for the workers' idle strategy, shard 0's. */
    static final String IDLE_OPTION = "--idle";
    /** {@link ShardMain}'s option for every shard's UDP endpoint. */
    static final String PEERS_OPTION = "--peers";

    private static final String NO_CPUS = "none";
    private static final String PROPERTY_PREFIX = "karyon.";
    private static final String SPIN = "spin";
    private static final String YIELD = "yield";
    private static final long CHILD_EXIT_GRACE_MS = 5_000;
    private static final String TEMP_PREFIX = "karyon-shards-";
    private static final Pattern STALE = Pattern.compile(Pattern.quote(TEMP_PREFIX) + "(\\d{1,18})-\\d+");

    private ShardLauncher()
    {
    }

    /**
     * The timeout for a shard's block, from {@link #TIMEOUT_PROP_NAME}.
     *
     * @return milliseconds, > 0.
     * @throws ModelException exit 2 naming the property, if it is not a positive integer.
     */
    public static long timeoutMs()
    {
        return positiveMs(TIMEOUT_PROP_NAME, System.getProperty(TIMEOUT_PROP_NAME, Long.toString(TIMEOUT_DEFAULT_MS)));
    }

    /**
     * How long the shards wait for each other to join at the start, from {@link #CONNECT_TIMEOUT_PROP_NAME}.
     *
     * @return milliseconds, > 0, or 0 where the property is not set (the default).
     * @throws ModelException exit 2 naming the property, if it is not a positive integer.
     */
    public static long connectTimeoutMs()
    {
        final String text = System.getProperty(CONNECT_TIMEOUT_PROP_NAME);
        return null == text ? 0 : positiveMs(CONNECT_TIMEOUT_PROP_NAME, text);
    }

    /**
     * {@link #timeoutMs()} for a shard about to join the others, with {@link #connectTimeoutMs()} checked too: a bad
     * value of either is refused before it joins (so that a refusal can still be told to the others).
     *
     * @return milliseconds, > 0.
     * @throws ModelException exit 2 naming the property, if either is not a positive integer.
     */
    public static long joinTimeoutMs()
    {
        final long timeoutMs = timeoutMs();
        connectTimeoutMs();
        return timeoutMs;
    }

    private static long positiveMs(final String name, final String text)
    {
        try
        {
            final long ms = Long.parseLong(text.trim());
            if (ms > 0)
            {
                return ms;
            }
        }
        catch (final NumberFormatException ex)
        {
            // one message below
        }
        throw new ModelException(name + " must be a positive number of milliseconds, got '" + text + "'",
            ModelException.EXIT_USAGE, null);
    }

    /**
     * Runs a model over {@code shards} processes on this host, joined over IPC.
     *
     * @param spec   the run.
     * @param shards processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base   shard 0's context (threading, idling, pinning), or null for the defaults.
     * @return shard 0's result: the whole run's digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for what sharding refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base)
    {
        return launch(spec, shards, base, (run) -> run.progress(Progress.NONE));
    }

    /**
     * Runs a model over {@code shards} processes on this host, joined over IPC or over UDP on the loopback interface
     * (each shard its own media driver, as across hosts), with no progress and no outputs.
     *
     * @param spec       the run.
     * @param shards     processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base       shard 0's context (threading, idling, pinning), or null for the defaults.
     * @param udp        true for UDP on 127.0.0.1, false for IPC.
     * @param roundTrips if not null, shard 0's barrier cycles ({@link AeronShardLink#roundTrips()}) are added to it.
     * @return shard 0's result: the whole run's digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for what sharding refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final boolean udp, final Histogram roundTrips)
    {
        return launch(spec, shards, base, (run) -> run.progress(Progress.NONE), null, null,
            new Joining(udp, roundTrips, null));
    }

    /**
     * Runs a model over {@code shards} processes on this host, joined over IPC or over UDP on the loopback interface;
     * this process is shard 0, which gathers the observations and writes the outputs as {@code first} says (the
     * benches read its {@code latency.csv}: the measured ticks' own time).
     *
     * @param spec       the run.
     * @param shards     processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base       shard 0's context (threading, idling, pinning), or null for the defaults.
     * @param first      what shard 0 sets besides: output folder, progress, JSON, stop request.
     * @param udp        true for UDP on 127.0.0.1, false for IPC.
     * @param roundTrips if not null, shard 0's barrier cycles ({@link AeronShardLink#roundTrips()}) are added to it.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for bad input or what sharding
     *                        refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final boolean udp, final Histogram roundTrips)
    {
        return launch(spec, shards, base, first, null, null, new Joining(udp, roundTrips, null));
    }

    /**
     * Runs a model over {@code shards} processes on this host; this process is shard 0, which gathers the
     * observations and writes the outputs.
     *
     * @param spec   the run.
     * @param shards processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base   shard 0's context (threading, idling, pinning), or null for the defaults.
     * @param first  what shard 0 sets besides: output folder, progress, JSON, stop request.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for bad input or what sharding
     *                        refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first)
    {
        return launch(spec, shards, base, first, null, null);
    }

    /**
     * Runs a model over {@code shards} processes on this host with checkpoints of every shard, or resumed from a
     * set of them; this process is shard 0, which gathers the observations, writes the outputs and the manifests.
     * Each shard's workers are pinned to CPUs of their own (see {@link #shardCpus}).
     *
     * @param spec        the run.
     * @param shards      processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base        shard 0's context (threading, idling, pinning), or null for the defaults.
     * @param first       what shard 0 sets besides: output folder, progress, JSON, stop request.
     * @param checkpoints the run's checkpoint settings, or null for none.
     * @param resume      every shard's part of the set to resume from, by shard (checked by {@link ShardResume}), or
     *                    null for a new run.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ModelException exit 1 naming the shard, if one failed or was lost; exit 2 for bad input or what sharding
     *                        refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final ShardCheckpoints.Settings checkpoints,
        final List<Path> resume)
    {
        return launch(spec, shards, base, first, checkpoints, resume, new Joining(false, null, null));
    }

    /**
     * Runs a model over {@code shards} processes on this host, as {@link #launch(ShardRun.Spec, int, Context,
     * UnaryOperator, ShardCheckpoints.Settings, List)} does, stopped at once by a stop request that comes while it
     * starts ({@link ShardStart}); after that, {@code first}'s stop request is taken by the ticks.
     *
     * @param spec        the run.
     * @param shards      processes, 2 to {@link AeronShardLink#MAX_SHARDS}.
     * @param base        shard 0's context (threading, idling, pinning), or null for the defaults.
     * @param first       what shard 0 sets besides: output folder, progress, JSON, stop request.
     * @param checkpoints the run's checkpoint settings, or null for none.
     * @param resume      every shard's part of the set to resume from, by shard, or null for a new run.
     * @param start       the run's stop request while it starts.
     * @return shard 0's result: the whole run's summary and digest.
     * @throws ShardStart.Stopped after a stop request while the shards were launched or joined.
     * @throws ModelException     exit 1 naming the shard, if one failed or was lost; exit 2 for bad input or what
     *                            sharding refuses.
     */
    public static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final ShardCheckpoints.Settings checkpoints,
        final List<Path> resume, final ShardStart start)
    {
        return launch(spec, shards, base, first, checkpoints, resume, new Joining(false, null, start));
    }

    /**
     * How the launcher joins the shards: over IPC or UDP on the loopback, and where shard 0's barrier cycles go.
     *
     * @param udp        true for UDP on 127.0.0.1.
     * @param roundTrips to add shard 0's barrier cycles to, or null.
     * @param start      the run's stop request while it starts, or null for none.
     */
    private record Joining(boolean udp, Histogram roundTrips, ShardStart start)
    {
    }

    private static ShardRun.Result launch(final ShardRun.Spec spec, final int shards, final Context base,
        final UnaryOperator<ModelRun.Builder> first, final ShardCheckpoints.Settings checkpoints,
        final List<Path> resume, final Joining joining)
    {
        if (null != resume && resume.size() != shards)
        {
            throw new ModelException("--shards " + shards + ": the checkpoint to resume from has " + resume.size() +
                " parts", ModelException.EXIT_USAGE, null);
        }
        if (shards < 2 || shards > AeronShardLink.MAX_SHARDS)
        {
            throw new ModelException("--shards must be in 2.." + AeronShardLink.MAX_SHARDS + ": shards=" + shards,
                ModelException.EXIT_USAGE, null);
        }
        final long timeoutMs = joinTimeoutMs();  // checked here, before any child starts
        // Bad input (a parameter, --out; a resume's fork and ticks): one line, before any child starts.
        first.apply(null == resume ? ShardRun.builder(spec, new Context()) : ShardRun.resumed(spec, resume.get(0)))
            .check();
        final Context context = null == base ? new Context() : base;
        final Consumer<String> warnings = (warning) -> System.err.println("karyon: warning: " + warning);
        final int[][] cpus = shardCpus(context, shards, spec.workers(), Organism.machine(), warnings);
        context.idleStrategy(shardIdle(context, shards, spec.workers(), Organism.machine(), warnings));
        final boolean udp = joining.udp();
        final Path dir = tempDir();
        final List<String> endpoints = udp ? loopbackEndpoints(shards) : null;
        final List<Process> children = new ArrayList<>();
        final ShardStart start = null == joining.start() ? ShardStart.none() : joining.start();
        AeronShardLink link = null;
        boolean finished = false;
        try
        {
            for (int s = 1; s < shards; s++)
            {
                start.check(ShardStart.LAUNCHING);
                final List<String> args = ShardMain.command(spec, s, shards, aeronDir(dir, udp, s), timeoutMs,
                    checkpoints, null == resume ? null : resume.get(s));
                args.addAll(List.of(CPUS_OPTION, formatCpus(null == cpus ? null : cpus[s]), IDLE_OPTION,
                    context.idleStrategy()));
                if (udp)
                {
                    args.addAll(List.of(PEERS_OPTION, String.join(",", endpoints)));
                }
                children.add(start(args));
            }
            link = udp ? AeronShardLink.openUdp(0, endpoints, aeronDir(dir, true, 0), timeoutMs * 1_000_000L) :
                AeronShardLink.open(0, shards, aeronDir(dir, false, 0), timeoutMs * 1_000_000L);
            watch(children, link);
            start.check(ShardStart.LAUNCHING);
            start.join(link);
            start.settingUp(children, dir);  // from here to the first tick, the request's own thread stops the run
            final ShardRun.Result result = ShardRun.run(spec, link, shardContext(context, null == cpus ? null :
                cpus[0]), (run) -> first.apply(run).setUpDone(start::settle), checkpoints,
                null == resume ? null : resume.get(0));
            awaitChildren(children);
            if (null != joining.roundTrips())
            {
                joining.roundTrips().add(link.roundTrips());
            }
            finished = true;
            return result;
        }
        finally
        {
            start.settle();  // a stop request ending the process while the model was set up: nothing more here
            if (!finished)
            {
                stop(children);
            }
            if (null != link)
            {
                link.close();
            }
            IoUtil.delete(dir.toFile(), true);
        }
    }

    /**
     * The CPUs of each shard's workers on this host, so that no two shards pin workers to one CPU: the whole run's
     * {@code shards x workers} workers are planned as one process's would be (the context's CPUs in the bind type's
     * order, or the bind type's order of the allowed CPUs), and shard s takes workers {@code [s x W, (s+1) x W)} of
     * the plan: a run of 2 shards of 2 workers pins shard 0 to the first two CPUs of the order and shard 1 to the
     * next two. Each shard's array lists its own CPUs first, then the rest of the plan (see {@link #shardContext}).
     * When the order has a CPU to spare for every shard's exchange thread (at least {@code shards x (workers + 1)}),
     * shard s's exchange gets the order's {@code (shards x workers + s)}-th, listed right after its own workers'
     * (the engine pins the exchange to the CPU after the workers' when the CPUs given outnumber the run's workers).
     *
     * @param context  shard 0's, whose threading, pinning, bind type and CPUs decide.
     * @param shards   in the run.
     * @param workers  per shard.
     * @param topology of this host.
     * @param warnings told why the workers run unpinned when pinning was asked for but cannot be honoured.
     * @return the CPUs by shard, or null when every shard's workers run unpinned: pinning off, no thread per worker,
     *         bind type u without CPUs, or more workers in all than CPUs allowed.
     * @throws ModelException exit 2 when the context's CPUs are fewer than the run's workers.
     */
    static int[][] shardCpus(final Context context, final int shards, final int workers, final Topology topology,
        final Consumer<String> warnings)
    {
        if (ThreadingMode.DEDICATED != context.threadingMode())
        {
            return null;
        }
        final int total = shards * workers;
        final int[] only = context.cpus();
        final BindType bindType = context.bindType();
        final int[] order;
        if (null != only)
        {
            if (only.length < total)
            {
                throw new ModelException("--cpus names " + only.length + " CPU(s) for " + shards + " shards x " +
                    workers + " worker(s): give at least " + total + ", one per worker of the run",
                    ModelException.EXIT_USAGE, null);
            }
            order = BindType.U == bindType ? only : among(bindType.cpuOrder(topology), only);
        }
        else
        {
            if (!context.pin() || BindType.U == bindType)
            {
                return null;
            }
            order = bindType.cpuOrder(topology);
            if (total > order.length)
            {
                warnings.accept(shards + " shards x " + workers + " worker(s), " + order.length +
                    " CPUs allowed: workers run unpinned");
                return null;
            }
        }
        // With a CPU to spare for every shard's exchange, shard s's is the (total + s)-th of the order: after its
        // own workers' in its list, where the engine pins the exchange (the rest of the plan follows).
        final boolean exchanges = order.length >= total + shards;
        final int[][] cpus = new int[shards][];
        for (int s = 0; s < shards; s++)
        {
            cpus[s] = new int[exchanges ? total + 1 : total];
            int at = 0;
            for (int i = 0; i < total; i++)
            {
                if (exchanges && i == workers)
                {
                    cpus[s][at++] = order[total + s];
                }
                cpus[s][at++] = order[(s * workers + i) % total];
            }
        }
        return cpus;
    }

    /**
     * The workers' idle strategy on every shard of a run on this host: the context's, but yield instead of spin when
     * the run's threads outnumber the CPUs allowed (each shard's workers and its exchange): workers spinning on every
     * CPU leave the exchanges, which carry the barrier, only the scheduler's time slices (a tick of a small ring over
     * 2 shards of 1 worker on 2 CPUs took 2.4 ms spinning, 0.15 ms yielding).
     *
     * @param context  shard 0's.
     * @param shards   in the run.
     * @param workers  per shard.
     * @param topology of this host.
     * @param warnings told when spin is replaced.
     * @return the idle strategy's name.
     */
    static String shardIdle(final Context context, final int shards, final int workers, final Topology topology,
        final Consumer<String> warnings)
    {
        final String idle = context.idleStrategy();
        final int threads = shards * workers + shards;
        final int cpus = topology.allowedCpus().length;
        if (!SPIN.equals(idle) || ThreadingMode.DEDICATED != context.threadingMode() || threads <= cpus)
        {
            return idle;
        }
        warnings.accept(shards + " shard(s) x " + workers + " worker(s) and " + shards + " exchange thread(s) on " +
            cpus + " CPUs: the workers yield instead of busy-spinning");
        return YIELD;
    }

    /**
     * The workers' idle strategy of one shard of a run across hosts ({@code --shard I/N}), on this host: the
     * context's, but yield instead of spin when this shard's threads (its workers and its exchange) outnumber the
     * CPUs allowed here, as {@link #shardIdle} decides for the shards of a run on one host. Each host decides for its
     * own shard (its CPUs, its {@code --idle}).
     *
     * @param context  this shard's.
     * @param workers  this shard's.
     * @param topology of this host.
     * @param warnings told when spin is replaced.
     * @return the idle strategy's name.
     */
    public static String hostIdle(final Context context, final int workers, final Topology topology,
        final Consumer<String> warnings)
    {
        return shardIdle(context, 1, workers, topology, warnings);
    }

    private static int[] among(final int[] order, final int[] set)
    {
        final BitSet wanted = new BitSet();
        for (final int cpu : set)
        {
            wanted.set(cpu);
        }
        return Arrays.stream(order).filter(wanted::get).toArray();
    }

    /**
     * A shard's context: pinned to {@code cpus} in their order (bind type u), whose first are the shard's own (the
     * engine pins a shard's workers to the first of its CPUs, and the rest keep the run's worker count within the
     * CPUs given), or unpinned for null.
     *
     * @param context to set, shard 0's or a new one.
     * @param cpus    from {@link #shardCpus}, or null.
     * @return the context.
     */
    static Context shardContext(final Context context, final int[] cpus)
    {
        return null == cpus ? context.cpus(null).pin(false) : context.cpus(cpus).bindType(BindType.U);
    }

    /**
     * {@link ShardMain}'s {@value #CPUS_OPTION}: a shard's CPUs, or {@code none} for unpinned.
     *
     * @param text as given.
     * @param idle the workers' idle strategy, or null for the default.
     * @return the context for the shard.
     * @throws IllegalArgumentException naming the text, if it is not a comma-separated list of CPUs or none.
     */
    static Context shardContext(final String text, final String idle)
    {
        final Context context = null == idle ? new Context() : new Context().idleStrategy(idle);
        if (NO_CPUS.equals(text))
        {
            return shardContext(context, null);
        }
        try
        {
            return shardContext(context, Arrays.stream(text.split(",")).mapToInt((cpu) ->
                Integer.parseInt(cpu.trim())).toArray());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(CPUS_OPTION + ": expected CPUs such as 2,3,0,1 or " + NO_CPUS +
                ", got '" + text + "'");
        }
    }

    private static String formatCpus(final int[] cpus)
    {
        return null == cpus ? NO_CPUS : Arrays.stream(cpus).mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    }

    private static Path aeronDir(final Path dir, final boolean udp, final int shard)
    {
        return dir.resolve(udp ? "aeron-" + shard : "aeron");
    }

    /**
     * A free UDP port on 127.0.0.1 per shard (no name to resolve: one address family).
     */
    static List<String> loopbackEndpoints(final int shards)
    {
        final List<String> endpoints = new ArrayList<>();
        final List<DatagramSocket> sockets = new ArrayList<>();
        try
        {
            for (int s = 0; s < shards; s++)
            {
                final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                endpoints.add("127.0.0.1:" + socket.getLocalPort());
            }
            return endpoints;
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shards: cannot find a free UDP port on 127.0.0.1: " + ex.getMessage(),
                ModelException.EXIT_FAILURE, ex);
        }
        finally
        {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /**
     * The run's temporary directory, {@code karyon-shards-<pid>-<random>} (this process's id, its owner's), in
     * {@code /dev/shm} where there is one: first removes those of owners that are gone (a launcher killed by
     * SIGKILL could not delete its own).
     */
    static Path tempDir()
    {
        try
        {
            final Path shm = Path.of("/dev/shm");
            final Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm :
                Path.of(System.getProperty("java.io.tmpdir"));
            removeStale(parent);
            return Files.createTempDirectory(parent, TEMP_PREFIX + ProcessHandle.current().pid() + "-");
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shards: cannot make the run's temporary directory: " + ex.getMessage(),
                ModelException.EXIT_FAILURE, ex);
        }
    }

    /**
     * Deletes the run directories in a folder whose owner (the pid in the name) is no longer alive; a directory of a
     * live process, or named otherwise, is left alone.
     *
     * @param folder where runs make their directories.
     * @return how many were deleted.
     */
    static int removeStale(final Path folder)
    {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(folder, TEMP_PREFIX + "*"))
        {
            for (final Path dir : dirs)
            {
                final Matcher m = STALE.matcher(String.valueOf(dir.getFileName()));
                if (m.matches() && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) &&
                    !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false))
                {
                    IoUtil.delete(dir.toFile(), true);
                    removed++;
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // Another launcher's clean-up at the same moment, or a folder not ours to list: nothing to remove here.
        }
        return removed;
    }

    private static Process start(final List<String> args)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent") && !flag.startsWith("-Xrunjdwp"))
            {
                command.add(flag);
            }
        }
        // The karyon.* properties are the defaults of the engine's settings: every shard must have this one's, also
        // those set in this JVM rather than on its command line.
        for (final String name : System.getProperties().stringPropertyNames())
        {
            if (name.startsWith(PROPERTY_PREFIX))
            {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShardMain.class.getName()));
        command.addAll(args);
        try
        {
            return new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        }
        catch (final IOException ex)
        {
            throw new ModelException("--shards: cannot start a shard's process (" + command.get(0) + "): " +
                ex.getMessage(), ModelException.EXIT_FAILURE, ex);
        }
    }

    /**
     * Fails the link, naming the shard, as soon as a child ends with an error.
     */
    private static void watch(final List<Process> children, final AeronShardLink link)
    {
        for (int i = 0; i < children.size(); i++)
        {
            final int shard = i + 1;
            final Process child = children.get(i);
            child.onExit().thenAccept((p) ->
            {
                if (0 != p.exitValue())
                {
                    link.fail("shard " + shard + " (pid " + p.pid() + ") exited with code " + p.exitValue());
                }
            });
        }
    }

    private static void awaitChildren(final List<Process> children)
    {
        for (int i = 0; i < children.size(); i++)
        {
            final Process child = children.get(i);
            try
            {
                if (!child.waitFor(CHILD_EXIT_GRACE_MS, TimeUnit.MILLISECONDS))
                {
                    throw new ModelException("shard " + (i + 1) + " (pid " + child.pid() + ") did not exit within " +
                        CHILD_EXIT_GRACE_MS + " ms of the run's end", ModelException.EXIT_FAILURE, null);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new ModelException("--shards: interrupted waiting for the shards to exit",
                    ModelException.EXIT_FAILURE, ex);
            }
            if (0 != child.exitValue())
            {
                throw new ModelException("shard " + (i + 1) + " (pid " + child.pid() + ") exited with code " +
                    child.exitValue(), ModelException.EXIT_FAILURE, null);
            }
        }
    }

    /**
     * Ends the children of a run that failed: asked first, then forced.
     */
    static void stop(final List<Process> children)
    {
        for (final Process child : children)
        {
            child.destroy();
        }
        for (final Process child : children)
        {
            try
            {
                if (!child.waitFor(CHILD_EXIT_GRACE_MS, TimeUnit.MILLISECONDS))
                {
                    child.destroyForcibly().waitFor();
                }
            }
            catch (final InterruptedException ex)
            {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
