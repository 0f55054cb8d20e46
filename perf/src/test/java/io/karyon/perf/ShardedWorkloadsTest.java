package io.karyon.perf;

import io.karyon.cli.Cli;
import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.Progress;
import io.karyon.shard.ShardRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.karyon.perf.CommandRun.field;
import static io.karyon.perf.CommandRun.numberField;
import static io.karyon.perf.CommandRun.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon bench W2|W3 --shards 2}: one small round of each over two shard processes, its digest that of one
 * process, its counters checked and its JSON fields there; the bench models' digests the same for 1, 2 and 3 workers
 * (W2 with its placement that does not depend on the worker count);
 * and the models found by name where the shard processes look for them.
 */
@Timeout(120)
class ShardedWorkloadsTest
{
    private static final long SEED = 7;

    private static String digest(final Model model, final Map<String, Object> parameters, final long cells,
        final long ticks, final int workers)
    {
        final ShardRun.Spec spec = new ShardRun.Spec(model, parameters, cells, ticks, SEED, workers, (int)ticks);
        return String.format("0x%016x", ShardRun.builder(spec, new Context().workerCount(workers).pin(false)
            .idleStrategy("backoff")).progress(Progress.NONE).run().digest());
    }

    private static String onlyLine(final CommandRun run)
    {
        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.out());
        assertEquals(0, ProcessHandle.current().children().count(), "no shard process outlives the bench");
        return lines.get(0);
    }

    private static void assertShardedFields(final String json, final String rate)
    {
        assertEquals("2", field(json, "shards"));
        assertEquals("1", field(json, "workers"));
        assertEquals("ipc", stringField(json, "transport"));
        assertEquals("3", field(json, "rounds"));
        assertTrue(numberField(json, rate) > 0, json);
        assertTrue(numberField(json, "one_process_" + rate) > 0, json);
        final double ratio = numberField(json, "sharded_ratio");
        assertEquals(numberField(json, rate) / numberField(json, "one_process_" + rate), ratio, ratio * 1e-3, json);
        assertTrue(numberField(json, "round_trip_p50_us") > 0, json);
        assertTrue(Files.isRegularFile(Path.of(stringField(json, "hgrm"))), json);
    }

    @Test
    void shouldFindTheBenchModelsByName()
    {
        final ModelCatalog catalog = ModelCatalog.load(ShardedWorkloadsTest.class.getClassLoader());

        assertEquals(W2RingModel.class, catalog.find(W2RingModel.NAME).getClass());
        assertEquals(W3TickModel.class, catalog.find(W3TickModel.NAME).getClass());
    }

    @Test
    void shouldGiveTheSameDigestForOneTwoAndThreeWorkers()
    {
        // fill: the ring in spawn order, wherever the engine puts the cells. The other placements deal the ring's
        // cells by the worker count (W2's definition), so their runs are the same only at the same S x W: the
        // sharded tests compare those.
        final Map<String, Object> ring = Map.of(W2RingModel.TOKENS, 30, W2RingModel.HOPS_PER_TOKEN, 50,
            W2RingModel.PLACEMENT, "fill");
        final String w2 = digest(new W2RingModel(), ring, 3000, 50, 1);
        final String w3 = digest(new W3TickModel(), Map.of(), 3000, 20, 1);
        for (int workers = 2; workers <= 3; workers++)
        {
            assertEquals(w2, digest(new W2RingModel(), ring, 3000, 50, workers), "W2, workers=" + workers);
            assertEquals(w3, digest(new W3TickModel(), Map.of(), 3000, 20, workers), "W3, workers=" + workers);
        }
        assertEquals(w3, digest(new W3TickModel(), Map.of(W3TickModel.LAYOUT, "columnar"), 3000, 20, 2),
            "the storage does not change the digest");
    }

    @Test
    void shouldRunW2OverTwoShardsWithTheDigestOfOneProcess(@TempDir final Path dir)
    {
        final String json = onlyLine(CommandRun.karyon("bench", "W2", "--shards", "2", "--cells", "4000",
            "--tokens", "40", "--hops", "4000", "--rounds", "3", "--warmup", "0", "--no-pin", "--idle", "backoff",
            "--seed", Long.toString(SEED), "--out", dir.toString()));

        assertEquals("W2", stringField(json, "workload"));
        assertEquals("4000", field(json, "cells"));
        assertEquals("4000", field(json, "hops"));
        assertEquals("pairs", stringField(json, "placement"));
        assertShardedFields(json, "hops_per_s");
        // Pairs on 2 workers: every other hop crosses; each crossing record costs its 28 bytes and a share of the
        // block's headers and runs.
        assertEquals(0.5, numberField(json, "cross_worker_share"), 0.05, json);
        assertTrue(numberField(json, "bytes_per_cross_record") > 28, json);
        assertEquals(digest(new W2RingModel(), Map.of(W2RingModel.TOKENS, 40, W2RingModel.HOPS_PER_TOKEN, 100,
            W2RingModel.PLACEMENT, "pairs"), 4000, 100, 2), stringField(json, "digest"));
    }

    @Test
    void shouldRunW3OverTwoShardsWithTheDigestOfOneProcess(@TempDir final Path dir)
    {
        final String json = onlyLine(CommandRun.karyon("bench", "W3", "--shards", "2", "--cells", "4000",
            "--ticks", "20", "--rounds", "3", "--warmup", "0", "--no-pin", "--idle", "backoff", "--seed",
            Long.toString(SEED), "--out", dir.toString()));

        assertEquals("W3", stringField(json, "workload"));
        assertEquals("4000", field(json, "cells"));
        assertEquals("20", field(json, "ticks"));
        assertEquals("row", stringField(json, "layout"));
        assertShardedFields(json, "updates_per_s");
        // No messages: each tick's block is its tick (8 bytes) and one pair of empty queues (28 bytes).
        assertEquals(36.0, numberField(json, "bytes_per_tick"), json);
        assertEquals(0.0, numberField(json, "bytes_per_cross_record"), json);
        assertEquals(digest(new W3TickModel(), Map.of(), 4000, 20, 2), stringField(json, "digest"));
    }
}
