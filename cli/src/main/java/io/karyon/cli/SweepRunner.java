package io.karyon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Runs a sweep's runs, each as its own process ({@code karyon run ... --json --quiet}) started with this process's
 * java, class path and JVM flags, at most {@code parallel} at a time, each on its own share of the CPUs; keeps each
 * run's stdout, stderr, summary.json and {@code run.json} (how it ended) in its folder, rewrites runs.csv as runs
 * finish and says how far it is on stderr.
 * <p>
 * A run whose folder already holds a complete summary.json is not run again; any other run starts from an empty
 * folder. A run that fails is recorded and the sweep goes on.
 * <p>
 * <b>Note:</b> one sweep per instance; {@link #run()} is called by one thread, which alone touches the table.
 */
final class SweepRunner
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RUNS = "runs";

    private final SweepPlan plan;
    private final SweepTarget target;
    private final List<String> fixedArguments;
    private final SweepCpuShares shares;
    private final Path directory;
    private final List<String> launcher;
    private final PrintWriter err;
    private final boolean quiet;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    /**
     * A runner.
     *
     * @param plan           the runs.
     * @param target         what each run runs.
     * @param fixedArguments the same for every run: cells, ticks, set parameters.
     * @param shares         the CPU share of each slot.
     * @param directory      the sweep's folder, existing.
     * @param launcher       java, its flags, class path and main class: a run's command up to {@code run}.
     * @param err            progress and failures.
     * @param quiet          no progress (failures still).
     */
    SweepRunner(
        final SweepPlan plan,
        final SweepTarget target,
        final List<String> fixedArguments,
        final SweepCpuShares shares,
        final Path directory,
        final List<String> launcher,
        final PrintWriter err,
        final boolean quiet)
    {
        this.plan = plan;
        this.target = target;
        this.fixedArguments = List.copyOf(fixedArguments);
        this.shares = shares;
        this.directory = directory;
        this.launcher = List.copyOf(launcher);
        this.err = err;
        this.quiet = quiet;
    }

    /**
     * This process's java, JVM flags and class path, then the main class: what a run is started with. Debugger
     * agents are left out, as a second JVM cannot listen on the same port.
     *
     * @param mainClass of the runs, normally {@link Karyon}.
     * @return the command's first words.
     */
    static List<String> launcherOf(final String mainClass)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (!argument.startsWith("-agentlib:jdwp") && !argument.startsWith("-Xrunjdwp"))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }

    /**
     * Runs what is not finished yet.
     *
     * @return the number of failed runs.
     * @throws IOException if the sweep's folder cannot be written.
     * @throws InterruptedException if interrupted (the runs going on are stopped).
     */
    int run() throws IOException, InterruptedException
    {
        final SweepTable table = new SweepTable(plan, directory);
        final List<SweepPlan.Run> pending = new ArrayList<>();
        Files.createDirectories(directory.resolve(RUNS));
        for (final SweepPlan.Run run : plan.runs())
        {
            final JsonNode summary = SweepTable.completeSummary(runDirectory(run));
            if (null == summary)
            {
                pending.add(run);
            }
            else
            {
                table.record(run.index(), new SweepTable.Outcome("ok", summary, recordedSeconds(run)));
            }
        }
        table.write();
        final int total = plan.runs().size();
        final int skipped = total - pending.size();
        progress("%d run(s), %d already done; %d at a time on CPUs %s%n", total, skipped,
            Math.min(shares.cpus().length, Math.max(1, pending.size())), shares.describe());
        if (null != shares.note() && !pending.isEmpty())
        {
            progress("%s%n", shares.note());
        }
        final Thread stopper = new Thread(this::destroyLive, "karyon-sweep-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        final ExecutorService pool = Executors.newFixedThreadPool(shares.cpus().length, (runnable) ->
        {
            final Thread thread = new Thread(runnable, "karyon-sweep");
            thread.setDaemon(true);
            return thread;
        });
        int failed = 0;
        try
        {
            final BlockingQueue<int[]> free = new ArrayBlockingQueue<>(shares.cpus().length);
            for (final int[] share : shares.cpus())
            {
                free.add(share);
            }
            final CompletionService<Finished> done = new ExecutorCompletionService<>(pool);
            for (final SweepPlan.Run run : pending)
            {
                done.submit(() ->
                {
                    final int[] share = free.take();
                    try
                    {
                        return execute(run, share);
                    }
                    finally
                    {
                        free.add(share);
                    }
                });
            }
            final long startNs = System.nanoTime();
            for (int finished = 1; finished <= pending.size(); finished++)
            {
                final Finished result = take(done);
                table.record(result.run().index(), result.outcome());
                table.write();
                if (!result.outcome().ok())
                {
                    failed++;
                    err.println("karyon sweep: run " + result.run().id() + " " + result.outcome().status() +
                        (result.why().isEmpty() ? "" : ": " + result.why()) + " (see " +
                        runDirectory(result.run()).resolve("stderr.txt") + ")");
                    err.flush();
                }
                final double elapsedS = (System.nanoTime() - startNs) / 1e9;
                progress("%d/%d done, %d failed, ETA %s%n", skipped + finished, total, failed,
                    clock(elapsedS / finished * (pending.size() - finished)));
            }
        }
        finally
        {
            pool.shutdownNow();
            destroyLive();
            try
            {
                Runtime.getRuntime().removeShutdownHook(stopper);
            }
            catch (final IllegalStateException ex)
            {
                // Already shutting down: the hook runs.
            }
        }
        return failed;
    }

    private static Finished take(final CompletionService<Finished> done) throws InterruptedException, IOException
    {
        try
        {
            return done.take().get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof UncheckedIOException)
            {
                throw ((UncheckedIOException)ex.getCause()).getCause();
            }
            if (ex.getCause() instanceof IOException)
            {
                throw (IOException)ex.getCause();
            }
            throw new IllegalStateException("a sweep thread failed: " + ex.getCause(), ex.getCause());
        }
    }

    /**
     * How a run ended, and the last line of its stderr when it failed.
     */
    record Finished(SweepPlan.Run run, SweepTable.Outcome outcome, String why)
    {
    }

    /**
     * Runs one run in its own process on a share of the CPUs, from an empty folder, and records how it ended.
     */
    private Finished execute(final SweepPlan.Run run, final int[] share) throws IOException, InterruptedException
    {
        final Path folder = runDirectory(run);
        deleteRecursively(folder);
        Files.createDirectories(folder);
        final List<String> command = command(run, share, folder);
        final long startNs = System.nanoTime();
        final Process process = new ProcessBuilder(command)
            .redirectOutput(folder.resolve("stdout.txt").toFile())
            .redirectError(folder.resolve("stderr.txt").toFile())
            .start();
        live.add(process);
        final int exitCode;
        try
        {
            exitCode = process.waitFor();
        }
        finally
        {
            live.remove(process);
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        JsonNode summary = null;
        if (0 == exitCode)
        {
            summary = SweepTable.completeSummary(folder);
            if (null == summary)
            {
                summary = SweepTable.parseSummary(folder.resolve("stdout.txt"));
                if (null != summary)
                {
                    writeAtomically(folder.resolve(SweepTable.SUMMARY), summary.toString() + "\n");
                }
            }
        }
        final String status = null != summary ? "ok" : "failed:" + exitCode;
        final ObjectNode record = MAPPER.createObjectNode().put("status", status).put("exit_code", exitCode)
            .put("seconds", seconds);
        command.forEach(record.putArray("command")::add);
        writeAtomically(folder.resolve("run.json"), record.toPrettyString() + "\n");
        final String why = null != summary ? "" : 0 == exitCode ? "exited 0 without a summary on stdout" :
            lastLine(folder.resolve("stderr.txt"));
        return new Finished(run, new SweepTable.Outcome(status, summary, seconds), why);
    }

    /**
     * A run's command: {@code karyon run}, the target, the fixed arguments, its values, seed, output, CPUs.
     */
    List<String> command(final SweepPlan.Run run, final int[] share, final Path folder)
    {
        final List<String> command = new ArrayList<>(launcher);
        command.add("run");
        command.addAll(target.head());
        command.addAll(fixedArguments);
        for (int a = 0; a < plan.axes().size(); a++)
        {
            command.addAll(target.parameterArguments(plan.axes().get(a).name(), run.values().get(a)));
        }
        command.addAll(List.of("--seed", Long.toString(run.seed()), "--json", "--quiet"));
        if (target.writesOut())
        {
            command.addAll(List.of("--out", folder.toString()));
        }
        if (shares.exclusive())
        {
            command.addAll(List.of("--cpus", CpuList.format(share), "--workers", Integer.toString(share.length)));
        }
        else
        {
            command.addAll(List.of("--workers", "1", "--no-pin", "--idle", "backoff"));
        }
        return command;
    }

    Path runDirectory(final SweepPlan.Run run)
    {
        return directory.resolve(RUNS).resolve(run.id());
    }

    private double recordedSeconds(final SweepPlan.Run run)
    {
        try
        {
            final JsonNode record = MAPPER.readTree(runDirectory(run).resolve("run.json").toFile());
            return record.path("seconds").isNumber() ? record.get("seconds").asDouble() : Double.NaN;
        }
        catch (final IOException ex)
        {
            return Double.NaN;
        }
    }

    private void progress(final String format, final Object... args)
    {
        if (!quiet)
        {
            err.printf(Locale.ROOT, "karyon sweep: " + format, args);
            err.flush();
        }
    }

    private void destroyLive()
    {
        for (final Process process : live)
        {
            process.destroyForcibly();
        }
    }

    static String clock(final double seconds)
    {
        final long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private static String lastLine(final Path file)
    {
        try
        {
            final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--)
            {
                if (!lines.get(i).isBlank())
                {
                    return lines.get(i).strip();
                }
            }
            return "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    static void writeAtomically(final Path file, final String text) throws IOException
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteRecursively(final Path folder) throws IOException
    {
        if (!Files.exists(folder))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
