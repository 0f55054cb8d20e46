package io.karyon.perf;

import io.karyon.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.karyon.perf.CommandRun.field;
import static io.karyon.perf.CommandRun.numberField;
import static io.karyon.perf.CommandRun.stringField;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class WorkloadTest
{
    /**
     * A hang guard for the child JVM, not a speed goal: {@code bench all} takes about 30 s on an idle 2-core box and
     * several times that when the box is shared, and how fast it runs is the benchmarks' to report.
     */
    private static final long CHILD_DEADLINE_S = 300;

    /** JVM flags the launcher and surefire pass (Agrona and Chronicle need them on Java 17+). */
    private static final List<String> FLAG_PREFIXES = List.of(
        "--add-", "-D", "--enable-native-access", "--sun-misc-unsafe-memory-access");

    @Test
    @Timeout(60)
    void shouldRunW3AndReportOrderedTickLatencies(@TempDir final Path dir) throws IOException
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W3", "--cells", "5000", "--ticks", "10", "--rounds", "3", "--warmup", "0",
            "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        final String json = lines.get(0);

        assertEquals("W3", stringField(json, "workload"));
        assertEquals("karyon", stringField(json, "engine"));
        assertEquals("5000", field(json, "cells"));
        assertEquals("10", field(json, "ticks"));
        assertEquals("3", field(json, "rounds"));
        assertTrue(numberField(json, "updates_per_s") > 0, json);

        final double p50 = numberField(json, "p50_us");
        final double p99 = numberField(json, "p99_us");
        final double p999 = numberField(json, "p999_us");
        final double max = numberField(json, "max_us");
        assertTrue(0 < p50 && p50 <= p99 && p99 <= p999 && p999 <= max, json);

        final Path hgrm = dir.resolve("W3.hgrm");
        assertEquals(hgrm.toString(), stringField(json, "hgrm"));
        assertTrue(Files.isRegularFile(hgrm), hgrm + " missing");
        assertTrue(Files.readString(hgrm).contains("Percentile"), hgrm + " has no percentile table");

        final long measured = run.err().lines().filter((line) -> line.startsWith("W3 measured round")).count();
        assertEquals(3, measured, run.err());
        assertFalse(run.err().contains("warm-up"), run.err());
    }

    @Test
    @Timeout(60)
    void shouldRunW4AndCountEveryMemberOncePerBroadcast(@TempDir final Path dir) throws IOException
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W4", "--cells", "5000", "--workers", "2", "--broadcasts", "20", "--churn", "3", "--rounds", "3",
            "--warmup", "0", "--idle", "backoff", "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String json = run.out().strip();
        assertEquals("W4", stringField(json, "workload"));
        assertEquals("5000", field(json, "cells"));
        assertEquals("2", field(json, "workers"));
        assertEquals("20", field(json, "rounds"));
        assertTrue(numberField(json, "deliveries_per_s") > 0 && numberField(json, "churn_per_s") > 0, json);
        final double p50 = numberField(json, "p50_us");
        final double p99 = numberField(json, "p99_us");
        final double max = numberField(json, "max_us");
        assertTrue(0 < p50 && p50 <= p99 && p99 <= max, json);
        final Path hgrm = dir.resolve("W4.hgrm");
        assertEquals(hgrm.toString(), stringField(json, "hgrm"));
        assertTrue(Files.readString(hgrm).contains("Percentile"), hgrm + " has no percentile table");
        assertEquals(3, run.err().lines().filter((line) -> line.startsWith("W4 measured round")).count(), run.err());
    }

    @Test
    @Timeout(60)
    void shouldRestartEveryDeadCellInW5AndHaveAllAnswer(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W5", "--cells", "5000", "--fraction", "0.5", "--rounds", "3", "--warmup", "0",
            "--idle", "backoff", "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String json = run.out().strip();
        assertEquals("W5", stringField(json, "workload"));
        assertEquals("5000", field(json, "cells"));
        assertEquals(field(json, "deaths"), field(json, "restarts"), json);
        assertTrue(numberField(json, "deaths") > 2000 && numberField(json, "deaths") < 3000, json);
        assertEquals("5000", field(json, "answering"), json);
        assertTrue(numberField(json, "restarts_per_s") > 0 && numberField(json, "recovery_ms") > 0, json);
    }

    @Test
    @Timeout(60)
    void shouldEscalateExactlyOncePerExcessInW5x(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "w5x", "--cells", "20000", "--rounds", "3", "--warmup", "0", "--idle", "backoff",
            "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String json = run.out().strip();
        assertEquals("W5x", stringField(json, "workload"));
        assertEquals("3", field(json, "escalations"), json);
        assertEquals("3", field(json, "expected_escalations"), json);
        assertEquals("true", field(json, "untouched_ok"), json);
    }

    @Test
    @Timeout(60)
    void shouldRunW6OnTheMatrixAndOnAConcurrentHashMapAndReportTheRatio(@TempDir final Path dir)
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W6", "--cells", "20000", "--ops", "50000", "--workers", "2", "--rounds", "3", "--warmup", "0",
            "--idle", "backoff", "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.out());
        final String karyon = lines.get(0);
        final String chm = lines.get(1);
        assertEquals("W6", stringField(karyon, "workload"));
        assertEquals("karyon", stringField(karyon, "engine"));
        assertEquals("chm", stringField(chm, "engine"));
        for (final String json : lines)
        {
            assertEquals("20000", field(json, "cells"), json);
            assertEquals("2", field(json, "workers"), json);
            assertEquals("100000", field(json, "ops"), json);
            final double p50 = numberField(json, "p50_us");
            final double p99 = numberField(json, "p99_us");
            final double p999 = numberField(json, "p999_us");
            assertTrue(0 < p50 && p50 <= p99 && p99 <= p999, json);
            assertTrue(numberField(json, "ops_per_s") > 0, json);
            assertTrue(Files.isRegularFile(Path.of(stringField(json, "hgrm"))), json);
        }
        assertEquals(numberField(karyon, "ops_per_s") / numberField(chm, "ops_per_s"),
            numberField(karyon, "ratio_vs_chm"), 1e-3 * numberField(karyon, "ratio_vs_chm"));
        assertEquals(3, run.err().lines().filter((line) -> line.startsWith("W6 karyon measured round")).count());
        assertEquals(3, run.err().lines().filter((line) -> line.startsWith("W6 chm measured round")).count());
    }

    /**
     * W1 measures resident memory, which is only right when glibc maps each arena chunk on its own (the launcher sets
     * MALLOC_MMAP_THRESHOLD_), so it runs in a child JVM with that environment, as the launcher runs it.
     */
    @Test
    @Timeout(CHILD_DEADLINE_S + 30)
    void shouldRunW1InAFreshJvmAndReportBytesPerCell(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final List<String> lines = karyonInFreshJvm(dir, "bench", "W1", "--cells", "200000", "--warmup", "0");

        assertEquals(1, lines.size(), lines.toString());
        final String json = lines.get(0);
        assertEquals("W1", stringField(json, "workload"));
        assertEquals("karyon", stringField(json, "engine"));
        assertEquals("200000", field(json, "cells"));
        assertTrue(numberField(json, "ns_per_cell") > 0, json);
        // No bound on the figures (they are the benchmark's to report): each is there and the headline never hides
        // memory. The arena holds at least the 80-byte slots of the cells spawned; the headline is the larger of the
        // resident and the allocated figure.
        final double slotLength = 16 + 64;
        final double resident = numberField(json, "resident_bytes_per_cell");
        final double allocated = numberField(json, "allocated_bytes_per_cell");
        assertTrue(resident > 0, json);
        assertTrue(allocated >= slotLength, json);
        assertEquals(Math.max(resident, allocated), numberField(json, "bytes_per_cell"), 1e-6, json);
    }

    @Test
    void shouldFailW3WhenTheEngineCountsOtherThanCellsTimesTicks()
    {
        assertDoesNotThrow(() -> W3Tick.checkUpdates(5_000L * 10, 5_000, 10));
        final WorkloadCheckException ex =
            assertThrows(WorkloadCheckException.class, () -> W3Tick.checkUpdates(5_000L * 10 - 1, 5_000, 10));
        assertEquals("W3 self-check failed: the engine counted 49999 cell-updates in a round of 10 ticks over 5000 " +
            "cells, expected cells x ticks = 50000", ex.getMessage());
    }

    /**
     * {@code bench all} runs every workload of the build, in order, and saves each one's summary and, where it
     * measures a latency, its percentile file: W1 its batches of spawns, W2 and W5x their ticks.
     */
    @Test
    @Timeout(CHILD_DEADLINE_S + 30)
    void shouldRunEveryWorkloadWithAllAndSaveEachOne(@TempDir final Path dir) throws IOException, InterruptedException
    {
        final Path out = dir.resolve("results");
        // W1 checks that resident memory grew by at least 90% of the slots it spawned. At 20,000 cells (1.6 MB) the
        // rest of the process moving (the JIT's threads, the GC) swamped that now and then (seen: 1.04 MB); 200,000
        // cells (16 MB), as the W1 test above uses, put the check well above that noise. One warm-up round as well.
        final List<String> lines = karyonInFreshJvm(dir, "bench", "all", "--cells", "200000", "--warmup", "1",
            "--tokens", "100", "--hops", "100000", "--ticks", "5", "--pairs", "10", "--millis", "100", "--idle",
            "backoff", "--bytes", "8m", "--out", out.toString());

        assertEquals(BenchCommand.WORKLOADS,
            lines.stream().map((line) -> stringField(line, "workload")).distinct().toList(), lines.toString());
        for (final String workload : BenchCommand.WORKLOADS)
        {
            assertEquals(lines.stream().filter((line) -> workload.equals(stringField(line, "workload"))).toList(),
                Files.readAllLines(out.resolve(workload + ".json")), "every line of " + workload + ", in order");
        }
        for (final String workload : List.of("W1", "W2", "W3", "W4", "W5", "W5x", "W6", "W7", "W7-by-time"))
        {
            assertTrue(Files.readString(out.resolve(workload + ".hgrm")).contains("Percentile"), workload);
        }
    }

    /**
     * Runs the karyon command in a child JVM with the launcher's JVM flags and malloc setting.
     *
     * @return the lines it printed on stdout, once it exited with 0.
     */
    private static List<String> karyonInFreshJvm(final Path dir, final String... args)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (FLAG_PREFIXES.stream().anyMatch(arg::startsWith))
            {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KaryonBench.class.getName());
        command.addAll(List.of(args));

        final Path stdout = dir.resolve("stdout.txt");
        final Path stderr = dir.resolve("stderr.txt");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
        builder.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");

        final Process process = builder.start();
        try
        {
            if (!process.waitFor(CHILD_DEADLINE_S, TimeUnit.SECONDS))
            {
                fail("karyon " + String.join(" ", args) + " did not finish in " + CHILD_DEADLINE_S + " s: " +
                    Files.readString(stderr));
            }
        }
        finally
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        final String err = Files.readString(stderr);
        assertEquals(Cli.EXIT_OK, process.exitValue(), err);
        return Files.readString(stdout).lines().toList();
    }
}
