package io.karyon.cli;

import io.karyon.engine.Context;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.models.Tissue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code karyon run} in a child process, stopped by a signal (SIGTERM, SIGINT: a checkpoint, the outputs, one line,
 * exit 143 or 130) or killed with {@code kill -9} at random points while it writes a checkpoint every tick: the
 * checkpoints left are whole, and the newest resumes, in the crashed run's own folder, to the unbroken run's digest
 * and time series.
 */
class CheckpointProcessTest
{
    /** Kills at random points; {@code -Dkaryon.test.kills=N} for more. */
    private static final int KILLS = Integer.getInteger("karyon.test.kills", 6);
    private static final Pattern CHECKPOINT = Pattern.compile("tick-(\\d+)\\.kcp");
    private static final ModelCatalog CATALOG = ModelCatalog.of(List.of(new Tissue()));

    @TempDir
    Path dir;

    private static List<String> tissue(final Path out, final long every)
    {
        return List.of("run", "tissue", "--cells", "3000", "--ticks", "100000000", "--seed", "9", "--every", "3",
            "--quiet", "--workers", "2", "--idle", "backoff", "--no-pin", "--checkpoint-every", Long.toString(every),
            "--out", out.toString());
    }

    private static ModelRun.Builder unbroken(final long ticks)
    {
        return ModelRun.builder(new Tissue()).cells(3000).ticks(ticks).seed(9).every(3).progress(Progress.NONE)
            .context(new Context().workerCount(1).idleStrategy("backoff").pin(false));
    }

    @ParameterizedTest
    @ValueSource(strings = { "TERM", "INT" })
    @Timeout(180)
    void shouldStopOnASignalWithACheckpointAndTheOutputs(final String signal) throws Exception
    {
        final Path out = dir.resolve("run");
        final Process child = start(tissue(out, 25));
        awaitCheckpoint(child, out.resolve("checkpoints"));
        // kill(1) rather than Process.destroy(), which sends SIGTERM too but closes the child's streams first.
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
        final String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals("TERM".equals(signal) ? 143 : 130, child.exitValue(), err);

        final String last = err.strip().lines().reduce((a, b) -> b).orElse("");
        final Matcher m = Pattern.compile("karyon: stopped by SIG" + signal + " after tick (\\d+); checkpoint (.*)" +
            " \\(karyon resume (.*)\\)").matcher(last);
        assertTrue(m.matches(), err);
        final long tick = Long.parseLong(m.group(1));
        final Path checkpoint = Path.of(m.group(2));
        assertEquals(out.resolve("checkpoints").resolve("tick-" + tick + ".kcp"), checkpoint);
        assertEquals(tick, Checkpoints.inspect(checkpoint).tick());
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"ticks\" : " + tick + ","),
            "the outputs as of the stop");

        final ModelRun.Result expected = unbroken(tick + 10).out(dir.resolve("unbroken")).run();
        final ModelRun.Result resumed = ModelRun.resume(CATALOG, checkpoint).ticks(tick + 10)
            .context(new Context().workerCount(3).idleStrategy("backoff").pin(false)).progress(Progress.NONE).run();
        assertEquals(expected.digest(), resumed.digest());
        assertEquals(Files.readString(dir.resolve("unbroken/timeseries.csv")),
            Files.readString(out.resolve("timeseries.csv")));
    }

    @Test
    @Timeout(600)
    void shouldLeaveTheLastCheckpointsWholeAndResumableWhenKilledAtRandom() throws Exception
    {
        final Random random = new Random(0xC0FFEEL);
        for (int kill = 0; kill < KILLS; kill++)
        {
            final Path out = dir.resolve("kill-" + kill);
            final Process child = start(tissue(out, 1));
            awaitCheckpoint(child, out.resolve("checkpoints"));
            final long delayMs = random.nextInt(1500);
            assertFalse(child.waitFor(delayMs, TimeUnit.MILLISECONDS), "still running after " + delayMs + " ms");
            child.destroyForcibly();  // SIGKILL: wherever it is, mid-tick or mid-checkpoint
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));

            final List<Long> ticks = checkpoints(out.resolve("checkpoints"));
            assertFalse(ticks.isEmpty(), "kill " + kill);
            for (final long tick : ticks)
            {
                final CheckpointHeader header = Checkpoints.inspect(out.resolve("checkpoints/tick-" + tick + ".kcp"));
                assertEquals(tick, header.tick());
            }
            final long newest = ticks.get(ticks.size() - 1);
            final long total = newest + 1 + random.nextInt(7);
            final ModelRun.Result expected = unbroken(total).out(dir.resolve("unbroken-" + kill)).run();
            final ModelRun.Result resumed = ModelRun.resume(CATALOG, out.resolve("checkpoints/tick-" + newest +
                ".kcp")).ticks(total).progress(Progress.NONE)
                .context(new Context().workerCount(1 + kill % 3).idleStrategy("backoff").pin(false)).run();
            assertEquals(expected.digest(), resumed.digest(), "kill " + kill + " after " + delayMs + " ms, tick " +
                newest);
            assertEquals(Files.readString(dir.resolve("unbroken-" + kill + "/timeseries.csv")),
                Files.readString(out.resolve("timeseries.csv")), "kill " + kill);
        }
    }

    private static List<Long> checkpoints(final Path folder) throws IOException
    {
        final List<Long> ticks = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder))
        {
            files.forEach((f) ->
            {
                final Matcher m = CHECKPOINT.matcher(f.getFileName().toString());
                if (m.matches())
                {
                    ticks.add(Long.parseLong(m.group(1)));
                }
            });
        }
        ticks.sort(null);
        return ticks;
    }

    /**
     * Waits, without polling, until the child has written its first checkpoint.
     */
    private static void awaitCheckpoint(final Process child, final Path folder) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Files.createDirectories(folder);  // the run creates it too; watch it from before
        try (WatchService watch = FileSystems.getDefault().newWatchService())
        {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            while (checkpoints(folder).isEmpty())
            {
                if (!child.isAlive())
                {
                    fail("the child ended (" + child.exitValue() + "): " +
                        new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                if (System.nanoTime() > deadlineNs)
                {
                    fail("no checkpoint in " + folder);
                }
                final var key = watch.poll(1, TimeUnit.SECONDS);  // blocks until a file appears (or a second passes)
                if (null != key)
                {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    private static Process start(final List<String> args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc"))
            {
                command.add(arg);
            }
        }
        final String claims = System.getProperty("karyon.scheduler.cpu.claims.dir");
        if (null != claims)
        {
            command.add("-Dkaryon.scheduler.cpu.claims.dir=" + claims);
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Karyon.class.getName());
        command.addAll(args);
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
