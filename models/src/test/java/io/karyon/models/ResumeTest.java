package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.StopRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume at the run level: a run checkpointed at tick t and resumed to T, with 1, 2 or 3 workers (written with 2), has
 * the unbroken run's digest, timeseries.csv bytes and summary.json numbers; forks record their parent and changes and
 * refuse fixed parameters; bad checkpoints are refused in one line and nothing is written.
 */
class ResumeTest
{
    /**
     * Summary fields that are not results: wall-clock times, memory, and how many messages crossed workers (which a
     * run resumed on another number of workers cannot share with any unbroken run).
     */
    static final Set<String> NOT_RESULTS = Set.of("cross_worker", "cross_worker_share", "wall_s", "setup_s", "run_s",
        "seconds", "ticks_per_s",
        "observe_s", "updates_per_s", "messages_per_s", "tick_ns_mean", "tick_ns_p50", "tick_ns_p99", "tick_ns_max",
        "allocated_bytes", "bytes_per_person");

    private static final ModelCatalog CATALOG = ModelCatalog.of(List.of(new Sir(), new Tissue(), new Ring()));

    @TempDir
    Path dir;

    static ModelRun.Builder run(final Model model, final String name, final int workers)
    {
        final ModelRun.Builder run = ModelRun.builder(model).progress(Progress.NONE).seed(11)
            .context(context(workers));
        switch (name)
        {
            case "sir":
                return run.cells(3_000).ticks(60).every(3).set("beta", "0.05");
            case "tissue":
                return run.cells(2_000).ticks(45).every(2).snapshotEvery(20)
                    .set("mutation_rate", "0.5").set("corruption", "0.5");
            default:
                return run.cells(2_000).ticks(40).every(1).set("supervisors", "10").set("fanout", "3");
        }
    }

    static Context context(final int workers)
    {
        return new Context().workerCount(workers).idleStrategy("backoff").pin(false);
    }

    private static Model model(final String name)
    {
        return CATALOG.find(name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "sir", "tissue", "ring" })
    void shouldResumeBitIdenticallyOnAnyWorkerCount(final String name) throws IOException
    {
        String digest = null;
        String rows = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            // The reference: the unbroken run with the resumed run's workers (summary fields such as pending and
            // cross_worker depend on the partition); digest and rows are the same for every count.
            final Path unbroken = dir.resolve("unbroken-" + workers);
            final ModelRun.Result expected = run(model(name), name, workers).out(unbroken).run();
            digest = null == digest ? Long.toHexString(expected.digest()) : digest;
            rows = null == rows ? Files.readString(unbroken.resolve("timeseries.csv")) : rows;
            assertEquals(digest, Long.toHexString(expected.digest()), "unbroken, " + workers + " workers");
            assertEquals(rows, Files.readString(unbroken.resolve("timeseries.csv")));

            final int writtenWith = workers % 3 + 1;  // 2, 3, 1: never the resumed run's count
            final Path written = dir.resolve("written-" + workers);
            final ModelRun.Result checkpointed = run(model(name), name, writtenWith).out(written).checkpointEvery(7)
                .keepCheckpoints(100).run();
            assertEquals(digest, Long.toHexString(checkpointed.digest()), "checkpoints change nothing in the run");
            assertEquals(rows, Files.readString(written.resolve("timeseries.csv")));

            final long tick = 7L * workers;  // 7, 14, 21: a different cut each time
            final Path checkpoint = written.resolve("checkpoints").resolve("tick-" + tick + ".kcp");
            assertTrue(Files.exists(checkpoint), checkpoint.toString());
            final ModelRun.Result resumed = ModelRun.resume(CATALOG, checkpoint).progress(Progress.NONE)
                .context(context(workers)).run();
            assertEquals(written, resumed.out(), "the checkpoint's run folder by default");
            assertEquals(digest, Long.toHexString(resumed.digest()),
                name + " written with " + writtenWith + " workers, resumed at tick " + tick + " with " + workers);
            assertEquals(rows, Files.readString(written.resolve("timeseries.csv")), name + " at " + tick + ", " +
                workers + " workers");
            assertResultsEqual(read(unbroken.resolve("summary.json")), read(written.resolve("summary.json")));
        }
    }

    @Test
    void shouldExtendAFinishedRunFromItsLastCheckpointAsALongerRunWouldHaveIt() throws IOException
    {
        final Path longer = dir.resolve("longer");
        final ModelRun.Result expected = run(model("tissue"), "tissue", 2).ticks(61).out(longer).run();
        final Path shorter = dir.resolve("shorter");
        run(model("tissue"), "tissue", 3).ticks(45).out(shorter).checkpointEvery(10).run();
        // 45 is no multiple of 10 nor of every (2): the last checkpoint comes before the last tick's own row.
        final ModelRun.Result resumed = ModelRun.resume(CATALOG, shorter.resolve("checkpoints/tick-45.kcp"))
            .ticks(61).context(context(2)).progress(Progress.NONE).run();
        assertEquals(expected.digest(), resumed.digest());
        assertEquals(Files.readString(longer.resolve("timeseries.csv")),
            Files.readString(shorter.resolve("timeseries.csv")));
        assertResultsEqual(read(longer.resolve("summary.json")), read(shorter.resolve("summary.json")));
    }

    @Test
    void shouldKeepTheNewestCheckpointsOnly() throws IOException
    {
        final Path out = dir.resolve("kept");
        run(model("ring"), "ring", 1).out(out).checkpointEvery(5).keepCheckpoints(3).run();
        try (Stream<Path> files = Files.list(out.resolve("checkpoints")))
        {
            assertEquals(List.of("tick-30.kcp", "tick-35.kcp", "tick-40.kcp"),
                files.map((f) -> f.getFileName().toString()).sorted().toList());
        }
        // sir stops when its epidemic is over (tick 56 here): the last checkpoint is of that tick.
        final Path sir = dir.resolve("sir");
        final ModelRun.Result result = run(model("sir"), "sir", 1).out(sir).checkpointEvery(5).keepCheckpoints(2)
            .run();
        final long last = ((Number)result.summary().get("ticks")).longValue();
        assertTrue(last < 60 && last % 5 != 0, "ended by its stop condition at " + last);
        try (Stream<Path> files = Files.list(sir.resolve("checkpoints")))
        {
            assertEquals(List.of("tick-" + last / 5 * 5 + ".kcp", "tick-" + last + ".kcp"),
                files.map((f) -> f.getFileName().toString()).sorted().toList());
        }
        final ModelRun.Result resumed = ModelRun.resume(CATALOG, sir.resolve("checkpoints/tick-" + last + ".kcp"))
            .ticks(500).context(context(2)).progress(Progress.NONE).run();
        assertEquals(last, ((Number)resumed.summary().get("ticks")).longValue(), "stopped stays stopped");
        assertEquals(result.digest(), resumed.digest());
    }

    @Test
    void shouldStopOnRequestWithACheckpointThatResumesToTheUnbrokenRun() throws IOException
    {
        final Path unbroken = dir.resolve("unbroken");
        final ModelRun.Result expected = run(model("sir"), "sir", 3).out(unbroken).run();
        final Path out = dir.resolve("stopped");
        final StopRequest request = new StopRequest();
        request.request("SIGTERM");  // asked before the first tick: the run stops after it
        final ModelRun.Result stopped = run(model("sir"), "sir", 2).out(out).stopRequest(request).run();
        assertEquals("SIGTERM", stopped.stopReason());
        assertEquals(Boolean.TRUE, stopped.summary().get("interrupted"), "the summary says the run was interrupted");
        assertEquals(out.resolve("checkpoints").resolve("tick-1.kcp"), stopped.checkpoint());
        assertEquals(1L, ((Number)stopped.summary().get("ticks")).longValue());
        assertTrue(Files.exists(out.resolve("summary.json")), "the outputs as of the stop");
        assertEquals(3, Files.readAllLines(out.resolve("timeseries.csv")).size(), "header, tick 0, tick 1");

        final ModelRun.Result resumed = ModelRun.resume(CATALOG, stopped.checkpoint()).context(context(3))
            .progress(Progress.NONE).run();
        assertEquals(expected.digest(), resumed.digest());
        assertEquals(Boolean.FALSE, resumed.summary().get("interrupted"));
        assertEquals(Files.readString(unbroken.resolve("timeseries.csv")),
            Files.readString(out.resolve("timeseries.csv")), "the stop's own row (tick 1, not every 3rd) is gone");
        assertResultsEqual(read(unbroken.resolve("summary.json")), read(out.resolve("summary.json")));
    }

    @Test
    void shouldForkIntoANewFolderRecordingParentAndChanges() throws IOException
    {
        final Path out = dir.resolve("parent");
        run(model("sir"), "sir", 2).out(out).checkpointEvery(10).keepCheckpoints(10).run();
        final Path checkpoint = out.resolve("checkpoints/tick-20.kcp");
        final Path fork = dir.resolve("fork");
        final ModelRun.Result forked = ModelRun.resume(CATALOG, checkpoint).set("beta", "0.2").out(fork)
            .context(context(1)).progress(Progress.NONE).run();
        final List<String> summary = read(fork.resolve("summary.json"));
        assertEquals(checkpoint.toAbsolutePath().normalize().toString(), forked.summary().get("parent_checkpoint"));
        assertEquals(Map.of("beta", "0.2"), forked.summary().get("changes"));
        assertEquals(0.2, ((Map<?, ?>)forked.summary().get("parameters")).get("beta"));
        assertTrue(summary.contains("  \"parent_checkpoint\" : \"" + checkpoint.toAbsolutePath().normalize() + "\","),
            String.join("\n", summary));
        final List<String> parentRows = Files.readAllLines(out.resolve("timeseries.csv"));
        final List<String> forkRows = Files.readAllLines(fork.resolve("timeseries.csv"));
        assertEquals(parentRows.subList(0, 8), forkRows.subList(0, 8), "header and ticks 0..18 are the parent's");
        assertNotEquals(parentRows, forkRows, "beta 0.2 spreads faster from tick 20");
        assertNotEquals(read(out.resolve("summary.json")), summary);

        // The fork's own checkpoints resume as the fork, parent and changes included.
        final Path forkCheckpoint = fork.resolve("checkpoints/tick-30.kcp");
        final Path again = copy(fork, dir.resolve("fork-again"));
        final ModelRun.Result resumed = ModelRun.resume(CATALOG, again.resolve("checkpoints/tick-30.kcp"))
            .context(context(1)).progress(Progress.NONE).run();
        assertTrue(Files.exists(forkCheckpoint));
        assertEquals(forked.digest(), resumed.digest());
        assertResultsEqual(summary, read(again.resolve("summary.json")));
    }

    @Test
    void shouldRefuseAForkOfAFixedParameterOrIntoItsOwnFolder() throws IOException
    {
        final Path out = dir.resolve("parent");
        run(model("sir"), "sir", 1).out(out).checkpointEvery(10).run();
        final Path checkpoint = out.resolve("checkpoints/tick-50.kcp");
        final byte[] summary = Files.readAllBytes(out.resolve("summary.json"));

        final ModelException fixed = assertThrows(ModelException.class, () -> ModelRun.resume(CATALOG, checkpoint)
            .set("contacts", "5").out(dir.resolve("fork")).progress(Progress.NONE).run());
        assertEquals(ModelException.EXIT_USAGE, fixed.exitCode());
        assertEquals("--set contacts=5: contacts is fixed once a sir run is set up; a fork may change beta, " +
            "infectious_ticks", fixed.getMessage());

        final ModelException own = assertThrows(ModelException.class, () -> ModelRun.resume(CATALOG, checkpoint)
            .set("beta", "0.5").progress(Progress.NONE).run());
        assertEquals(ModelException.EXIT_USAGE, own.exitCode());
        assertTrue(own.getMessage().startsWith("a fork (--set beta) needs a new --out: "), own.getMessage());
        assertFalse(Files.exists(dir.resolve("fork")), "nothing written");
        assertArrayEquals(summary, Files.readAllBytes(out.resolve("summary.json")), "the parent run untouched");
    }

    @Test
    void shouldRefuseBadCheckpointsInOneLineNamingTheFileAndWriteNothing() throws IOException
    {
        final Path out = dir.resolve("run");
        run(model("sir"), "sir", 1).out(out).checkpointEvery(30).run();
        final Path good = out.resolve("checkpoints/tick-30.kcp");
        final byte[] bytes = Files.readAllBytes(good);

        final Path truncated = dir.resolve("truncated.kcp");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        final Path corrupt = dir.resolve("corrupt.kcp");
        final byte[] flipped = bytes.clone();
        flipped[flipped.length - 9] ^= 0x40;
        Files.write(corrupt, flipped);
        final Path other = dir.resolve("other.kcp");
        Files.write(other, bytes);
        final ModelCatalog noSir = ModelCatalog.of(List.of(new Tissue()));

        for (final Path bad : List.of(truncated, corrupt))
        {
            final Path target = dir.resolve("out-" + bad.getFileName());
            final ModelException ex = assertThrows(ModelException.class, () -> ModelRun.resume(CATALOG, bad)
                .out(target).progress(Progress.NONE).run());
            assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
            assertTrue(ex.getMessage().startsWith(bad.getFileName() + ": "), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            assertFalse(Files.exists(target), "nothing written for " + bad);
        }
        final ModelException model = assertThrows(ModelException.class, () -> ModelRun.resume(noSir, other)
            .out(dir.resolve("out-other")).progress(Progress.NONE).run());
        assertEquals(ModelException.EXIT_USAGE, model.exitCode());
        assertTrue(model.getMessage().startsWith("other.kcp: ") && model.getMessage().contains("sir"),
            model.getMessage());
        assertFalse(Files.exists(dir.resolve("out-other")));
    }

    @Test
    void shouldRefuseCheckpointsWithoutAnOutputFolder()
    {
        final ModelException ex = assertThrows(ModelException.class,
            () -> run(model("sir"), "sir", 1).checkpointEvery(5).run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("model sir: --checkpoint-every needs --out: checkpoints go to OUT/checkpoints", ex.getMessage());
    }

    /**
     * Two summary.json files' lines (one field a line, as written) are equal but for wall-clock fields.
     */
    static void assertResultsEqual(final List<String> expected, final List<String> actual)
    {
        assertEquals(expected, actual);
    }

    /**
     * A summary.json's lines without the fields that are not results.
     */
    static List<String> read(final Path file) throws IOException
    {
        return Files.readAllLines(file).stream().filter((line) ->
        {
            final String trimmed = line.strip();
            for (final String name : NOT_RESULTS)
            {
                if (trimmed.startsWith("\"" + name + "\""))
                {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    static Path copy(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> files = Files.walk(from))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                final Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }
}
