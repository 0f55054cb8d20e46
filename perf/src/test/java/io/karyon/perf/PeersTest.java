package io.karyon.perf;

import io.karyon.cli.Cli;
import io.karyon.cli.WorkerOptions;
import io.karyon.perf.peers.PeerWorkload;
import io.karyon.perf.peers.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.karyon.perf.CommandRun.field;
import static io.karyon.perf.CommandRun.numberField;
import static io.karyon.perf.CommandRun.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon bench --peers}: every peer prints Karyon's JSON line shape with its own engine name, after the same
 * self-checks (a failed check fails the command), followed by Karyon's ratio over each; the summaries land in --out.
 */
class PeersTest
{
    private static final int CELLS = 10_000;
    private static final List<String> ENGINES = List.of("karyon", Peers.JVM_OBJECTS, Peers.PEKKO);

    @Test
    @Timeout(180)
    void shouldRunEveryWorkloadOnThePeersWithTheSameChecksAndRatios(@TempDir final Path dir) throws IOException
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W2", "W3", "W4", "W5", "W7", "--peers", "--cells", String.valueOf(CELLS), "--workers", "2",
            "--tokens", "100", "--hops", "100000", "--peer-messages", "50000", "--ticks", "10", "--pairs", "10",
            "--millis", "200", "--broadcasts", "10", "--churn", "2", "--rounds", "3", "--warmup", "0", "--idle",
                "backoff", "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();

        // W2: the peers ran fewer hops (--peer-messages) and say so; every token's hops were counted by the cells.
        final List<String> w2 = linesOf(lines, "W2");
        assertEngines(w2);
        assertEquals("100000", field(w2.get(0), "hops"));
        for (final String peer : w2.subList(1, 3))
        {
            assertEquals("50000", field(peer, "hops"), peer);
            assertEquals("100000", field(peer, "hops_asked"), peer);
            assertEquals("true", field(peer, "scaled_down"), peer);
            assertTrue(numberField(peer, "hops_per_s") > 0, peer);
        }
        assertRatio(w2.get(3), "hops_per_s", w2, true);

        // W3: bit-identical logistic values were checked; the peers ran 50000 / 10000 = 5 of the 10 ticks.
        final List<String> w3 = linesOf(lines, "W3");
        assertEngines(w3);
        for (final String peer : w3.subList(1, 3))
        {
            assertEquals("5", field(peer, "ticks"), peer);
            assertEquals("10", field(peer, "ticks_asked"), peer);
            assertTrue(numberField(peer, "p50_us") <= numberField(peer, "max_us"), peer);
            final Path hgrm = dir.resolve("W3-" + stringField(peer, "engine") + ".hgrm");
            assertEquals(hgrm.toString(), stringField(peer, "hgrm"));
            assertTrue(Files.readString(hgrm).contains("Percentile"), hgrm.toString());
        }
        assertRatio(w3.get(3), "updates_per_s", w3, true);

        // W4: every member counted each broadcast exactly once; the peers ran 50000 / 10000 = 5 of the 10.
        final List<String> w4 = linesOf(lines, "W4");
        assertEngines(w4);
        assertEquals("10", field(w4.get(0), "rounds"));
        for (final String peer : w4.subList(1, 3))
        {
            assertEquals("5", field(peer, "rounds"), peer);
            assertEquals("10", field(peer, "broadcasts_asked"), peer);
            assertEquals("true", field(peer, "scaled_down"), peer);
            assertEquals("3", field(peer, "measured_rounds"), peer);
            assertTrue(numberField(peer, "deliveries_per_s") > 0, peer);
            assertTrue(numberField(peer, "p50_us") <= numberField(peer, "p99_us"), peer);
            assertTrue(numberField(peer, "p99_us") <= numberField(peer, "max_us"), peer);
            final Path hgrm = dir.resolve("W4-" + stringField(peer, "engine") + ".hgrm");
            assertEquals(hgrm.toString(), stringField(peer, "hgrm"));
            assertTrue(Files.readString(hgrm).contains("Percentile"), hgrm.toString());
        }
        assertRatio(w4.get(3), "deliveries_per_s", w4, true);

        // W5: every cell died once and was restarted by its supervisor, and all answer afterwards.
        final List<String> w5 = linesOf(lines, "W5");
        assertEngines(w5);
        for (final String line : w5.subList(0, 3))
        {
            assertEquals(String.valueOf(CELLS), field(line, "deaths"), line);
            assertEquals(String.valueOf(CELLS), field(line, "restarts"), line);
            assertEquals(String.valueOf(CELLS), field(line, "answering"), line);
        }
        assertRatio(w5.get(3), "restarts_per_s", w5, true);

        // W7: round trips were timed while the background cells ticked, and the background values were checked.
        // Weighting round trips by their length can only move a percentile up.
        final List<String> w7 = linesOf(lines, "W7");
        assertEngines(w7, 4);
        for (final String peer : w7.subList(1, 3))
        {
            assertTrue(numberField(peer, "round_trips") > 0, peer);
            assertTrue(numberField(peer, "background_updates_per_s") > 0, peer);
            assertTrue(Files.isRegularFile(dir.resolve("W7-" + stringField(peer, "engine") + ".hgrm")), peer);
            assertTrue(Files.isRegularFile(dir.resolve("W7-" + stringField(peer, "engine") + "-by-time.hgrm")), peer);
        }
        for (final String engine : w7.subList(0, 3))
        {
            assertTrue(numberField(engine, "time_weighted_p50_us") >= numberField(engine, "p50_us"), engine);
            assertTrue(numberField(engine, "time_weighted_p99_us") >= numberField(engine, "p99_us"), engine);
            assertTrue(numberField(engine, "mean_us") > 0, engine);
        }
        assertRatio(w7.get(3), "time_weighted_p99_us", w7, false);
        assertRatio(w7.get(4), "p99_us", w7, false);
        assertRatio(w7.get(5), "mean_us", w7, false);
        assertRatio(w7.get(6), "background_updates_per_s", w7, true);

        for (final String workload : List.of("W2", "W3", "W4", "W5", "W7"))
        {
            assertEquals(linesOf(lines, workload), Files.readAllLines(dir.resolve(workload + ".json")), workload);
        }
        assertTrue(Files.isRegularFile(dir.resolve("W5.hgrm")), "W5's recovery tick latencies");
    }

    /**
     * W1's peers measure heap after GC per cell, so they run in this JVM; Karyon's W1 needs a fresh JVM (WorkloadTest).
     */
    @Test
    @Timeout(120)
    void shouldSpawnW1OnThePeersAndCountHeapBytesPerCell()
    {
        final StringWriter progress = new StringWriter();
        final BenchParams params = new BenchParams(CELLS, 3, 0, 42, 10, 100, 1000, "random", 1.0, 10, 100, 1, 1,
            1000, new WorkerOptions(), Path.of("unused"), 1000, new PrintWriter(progress, true));
        final List<String> lines = new ArrayList<>();
        for (final PeerWorkload peer : Peers.of("W1"))
        {
            lines.add(peer.run(params, 2));
        }

        assertEquals(2, lines.size(), lines.toString());
        for (int i = 0; i < 2; i++)
        {
            final String json = lines.get(i);
            assertEquals("W1", stringField(json, "workload"));
            assertEquals(Peers.ENGINES.get(i), stringField(json, "engine"));
            assertEquals(String.valueOf(CELLS), field(json, "cells"));
            assertEquals("heap used after GC / N", stringField(json, "memory"));
            // At least the 64 bytes of state and a reference to them; a figure below that would be measuring nothing.
            assertTrue(numberField(json, "bytes_per_cell") >= 64 + 4, json);
            assertTrue(numberField(json, "ns_per_cell") > 0, json);
        }
        assertEquals(6, progress.toString().lines().filter((line) -> line.contains("measured round")).count(),
            progress.toString());
    }

    /**
     * W5x: each peer's supervisor gives up once per round and its parent restarts it, nobody else touched; W6: the
     * peers run the seeded mix, pekko scaled down to --peer-messages (two messages an operation), and Karyon's line
     * keeps its in-process ConcurrentHashMap baseline.
     */
    @Test
    @Timeout(60)
    void shouldEscalateAndRunTheMatrixOnThePeers(@TempDir final Path dir) throws IOException
    {
        final CommandRun run = CommandRun.karyon(
            "bench", "W5x", "W6", "--peers", "--cells", String.valueOf(CELLS), "--workers", "2", "--ops", "20000",
            "--peer-messages", "40000", "--rounds", "3", "--warmup", "0", "--idle", "backoff",
            "--out", dir.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();

        final List<String> w5x = linesOf(lines, "W5x");
        assertEngines(w5x);
        for (final String line : w5x.subList(0, 3))
        {
            assertEquals("10", field(line, "supervisors"), line);
            assertEquals("3", field(line, "escalations"), line);
            assertEquals("3", field(line, "expected_escalations"), line);
            assertEquals("true", field(line, "untouched_ok"), line);
            assertTrue(numberField(line, "escalation_ms") > 0, line);
        }
        assertEquals(3, run.err().lines().filter((line) -> line.startsWith("W5x pekko measured round: supervisor") &&
            line.contains("gave up, 1 escalation(s)")).count(), run.err());
        assertRatio(w5x.get(3), "escalation_ms", w5x, false);

        // Karyon's line, its ConcurrentHashMap baseline, the two peers, two ratio lines.
        final List<String> w6 = linesOf(lines, "W6");
        assertEquals(6, w6.size(), w6.toString());
        assertEquals("chm", stringField(w6.get(1), "engine"));
        assertTrue(numberField(w6.get(0), "ratio_vs_chm") > 0, w6.get(0));
        final List<String> w6Engines = List.of(w6.get(0), w6.get(2), w6.get(3), w6.get(4), w6.get(5));
        assertEngines(w6Engines, 2);
        final String jvm = w6.get(2);
        final String pekko = w6.get(3);
        assertEquals("40000", field(jvm, "ops"), jvm);
        assertEquals("false", field(jvm, "scaled_down"), jvm);
        assertEquals("20000", field(pekko, "ops"), pekko);
        assertEquals("true", field(pekko, "scaled_down"), pekko);
        for (final String peer : List.of(jvm, pekko))
        {
            assertEquals("40000", field(peer, "ops_asked"), peer);
            assertTrue(numberField(peer, "ops_per_s") > 0, peer);
            assertTrue(numberField(peer, "p50_us") <= numberField(peer, "p99_us"), peer);
            assertTrue(numberField(peer, "p99_us") <= numberField(peer, "p999_us"), peer);
            final Path hgrm = dir.resolve("W6-" + stringField(peer, "engine") + ".hgrm");
            assertEquals(hgrm.toString(), stringField(peer, "hgrm"));
            assertTrue(Files.readString(hgrm).contains("Percentile"), hgrm.toString());
        }
        assertRatio(w6.get(4), "ops_per_s", w6Engines, true);
        assertRatio(w6.get(5), "p999_us", w6Engines, false);
        assertEquals(3, run.err().lines().filter((line) -> line.startsWith("W6 pekko measured round")).count());

        for (final String workload : List.of("W5x", "W6"))
        {
            assertEquals(linesOf(lines, workload), Files.readAllLines(dir.resolve(workload + ".json")), workload);
        }
    }

    @Test
    void shouldHaveBothPeersForEveryWorkload()
    {
        for (final String workload : BenchCommand.WORKLOADS)
        {
            if (io.karyon.perf.Stream.ID.equals(workload))
            {
                // The machine's bandwidth, the yardstick beside the workloads: no peer runs it.
                assertTrue(Peers.of(workload).isEmpty());
                continue;
            }
            assertEquals(Peers.ENGINES, Peers.of(workload).stream().map(PeerWorkload::engine).toList(), workload);
            for (final PeerWorkload peer : Peers.of(workload))
            {
                assertEquals(workload, peer.workload());
            }
        }
        assertTrue(Peers.of("W8").isEmpty());
    }

    private static List<String> linesOf(final List<String> lines, final String workload)
    {
        return lines.stream().filter((line) -> line.startsWith("{\"workload\":\"" + workload + "\",")).toList();
    }

    /**
     * Karyon's line, then each peer's with the same headline fields, then the ratio lines.
     */
    private static void assertEngines(final List<String> lines)
    {
        assertEngines(lines, 1);
    }

    private static void assertEngines(final List<String> lines, final int ratios)
    {
        assertEquals(3 + ratios, lines.size(), lines.toString());
        for (int i = 0; i < ENGINES.size(); i++)
        {
            assertEquals(ENGINES.get(i), stringField(lines.get(i), "engine"), lines.get(i));
            assertEquals(String.valueOf(CELLS), field(lines.get(i), "cells"), lines.get(i));
            assertEquals("2", field(lines.get(i), "workers"), lines.get(i));
            assertTrue(numberField(lines.get(i), "seconds") > 0, lines.get(i));
        }
        for (final String ratio : lines.subList(3, lines.size()))
        {
            assertFalse(ratio.contains("\"engine\""), ratio);
        }
    }

    private static void assertRatio(
        final String ratio, final String headline, final List<String> lines, final boolean higherIsBetter)
    {
        assertEquals(headline, stringField(ratio, "ratio_of"));
        assertEquals(String.valueOf(higherIsBetter), field(ratio, "higher_is_better"));
        final double karyon = numberField(lines.get(0), headline);
        final double jvm = numberField(lines.get(1), headline);
        final double pekko = numberField(lines.get(2), headline);
        assertEquals(higherIsBetter ? karyon / jvm : jvm / karyon, numberField(ratio, "ratio_vs_jvm_objects"),
            1e-4 * numberField(ratio, "ratio_vs_jvm_objects"), ratio);
        assertEquals(higherIsBetter ? karyon / pekko : pekko / karyon, numberField(ratio, "ratio_vs_pekko"),
            1e-4 * numberField(ratio, "ratio_vs_pekko"), ratio);
    }
}
