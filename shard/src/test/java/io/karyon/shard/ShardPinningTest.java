package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.engine.Organism;
import io.karyon.model.ModelException;
import io.karyon.numa.BindType;
import io.karyon.numa.Topology;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPUs the launcher gives each shard of a run on one host: no two shards share one, each shard's first W are its
 * own and follow the previous shard's in the run's plan; what cannot be pinned runs unpinned, and too few CPUs
 * given is refused with one line. Checked on this host's topology (2 CPUs in CI) and with CPUs given.
 */
class ShardPinningTest
{
    private static final Topology HOST = Organism.machine();

    private static Context pinned()
    {
        return new Context().threadingMode(ThreadingMode.DEDICATED).pin(true).bindType(BindType.DEFAULT);
    }

    @Test
    void shouldGiveEachShardTheCpusAfterThePreviousShards()
    {
        final int cpus = HOST.allowedCpus().length;
        final List<String> warnings = new ArrayList<>();
        final int[][] plan = ShardLauncher.shardCpus(pinned(), 2, 1, HOST, warnings::add);
        if (cpus < 2)
        {
            assertNull(plan);
            return;
        }
        final int[] order = BindType.DEFAULT.cpuOrder(HOST);
        assertEquals(2, plan.length);
        if (cpus >= 4)
        {
            // A CPU to spare for each shard's exchange: listed after the shard's worker's.
            assertArrayEquals(new int[]{ order[0], order[2], order[1] }, plan[0]);
            assertArrayEquals(new int[]{ order[1], order[3], order[0] }, plan[1]);
        }
        else
        {
            assertArrayEquals(new int[]{ order[0], order[1] }, plan[0]);
            assertArrayEquals(new int[]{ order[1], order[0] }, plan[1]);
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldSplitTheCpusGivenInTheirOrderWithBindTypeU()
    {
        final Context context = new Context().threadingMode(ThreadingMode.DEDICATED).bindType(BindType.U)
            .cpus(new int[]{ 7, 3, 5, 1, 2, 4 });
        final int[][] plan = ShardLauncher.shardCpus(context, 3, 2, HOST, (w) -> { });
        assertArrayEquals(new int[]{ 7, 3, 5, 1, 2, 4 }, plan[0]);
        assertArrayEquals(new int[]{ 5, 1, 2, 4, 7, 3 }, plan[1]);
        assertArrayEquals(new int[]{ 2, 4, 7, 3, 5, 1 }, plan[2]);
        final BitSet own = new BitSet();
        for (int s = 0; s < 3; s++)
        {
            for (int w = 0; w < 2; w++)
            {
                assertTrue(!own.get(plan[s][w]), "CPU " + plan[s][w] + " given to two shards");
                own.set(plan[s][w]);
            }
        }
    }

    @Test
    void shouldGiveEachShardsExchangeACpuAfterTheRunsWorkersWhenThereIsOneForEach()
    {
        final Context context = new Context().threadingMode(ThreadingMode.DEDICATED).bindType(BindType.U)
            .cpus(new int[]{ 7, 3, 5, 1, 2, 4, 6 });
        final int[][] plan = ShardLauncher.shardCpus(context, 2, 2, HOST, (w) -> { });
        assertArrayEquals(new int[]{ 7, 3, 2, 5, 1 }, plan[0], "workers 7, 3; exchange 2; the rest of the plan");
        assertArrayEquals(new int[]{ 5, 1, 4, 7, 3 }, plan[1], "workers 5, 1; exchange 4");
        final int[][] tight = ShardLauncher.shardCpus(context.cpus(new int[]{ 7, 3, 5, 1, 2 }), 2, 2, HOST,
            (w) -> { });
        assertArrayEquals(new int[]{ 7, 3, 5, 1 }, tight[0], "one CPU for two exchanges: neither pinned");
        assertArrayEquals(new int[]{ 5, 1, 7, 3 }, tight[1]);
    }

    @Test
    void shouldRefuseFewerCpusThanTheRunsWorkers()
    {
        final Context context = pinned().cpus(new int[]{ 0, 1, 2 });
        final ModelException ex = assertThrows(ModelException.class,
            () -> ShardLauncher.shardCpus(context, 2, 2, HOST, (w) -> { }));
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("--cpus names 3 CPU(s) for 2 shards x 2 worker(s): give at least 4, one per worker of the run",
            ex.getMessage());
    }

    @Test
    void shouldRunUnpinnedWhenPinningIsOffOrImpossible()
    {
        assertNull(ShardLauncher.shardCpus(pinned().pin(false), 2, 1, HOST, (w) -> { }));
        assertNull(ShardLauncher.shardCpus(pinned().bindType(BindType.U), 2, 1, HOST, (w) -> { }));
        assertNull(ShardLauncher.shardCpus(pinned().threadingMode(ThreadingMode.SHARED), 2, 1, HOST, (w) -> { }));
        final List<String> warnings = new ArrayList<>();
        final int tooMany = HOST.allowedCpus().length + 1;
        assertNull(ShardLauncher.shardCpus(pinned(), tooMany, 1, HOST, warnings::add));
        assertEquals(List.of(tooMany + " shards x 1 worker(s), " + HOST.allowedCpus().length +
            " CPUs allowed: workers run unpinned"), warnings);
    }

    @Test
    void shouldMakeEachShardsContext()
    {
        final Context own = ShardLauncher.shardContext("2,3,0,1", "yield");
        assertArrayEquals(new int[]{ 2, 3, 0, 1 }, own.cpus());
        assertEquals(BindType.U, own.bindType());
        assertEquals("yield", own.idleStrategy());
        final Context none = ShardLauncher.shardContext("none", null);
        assertNull(none.cpus());
        assertTrue(!none.pin());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ShardLauncher.shardContext("2,x", null));
        assertEquals("--cpus: expected CPUs such as 2,3,0,1 or none, got '2,x'", ex.getMessage());
    }

    @Test
    void shouldYieldInsteadOfSpinningWhenTheRunsThreadsOutnumberTheCpus()
    {
        final int cpus = HOST.allowedCpus().length;
        final List<String> warnings = new ArrayList<>();
        final Context spin = pinned().idleStrategy("spin");
        // cpus shards of 1 worker: a worker and an exchange per shard, twice the CPUs.
        assertEquals("yield", ShardLauncher.shardIdle(spin, cpus, 1, HOST, warnings::add));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith("the workers yield instead of busy-spinning"), warnings.get(0));
        assertEquals("backoff", ShardLauncher.shardIdle(pinned().idleStrategy("backoff"), cpus, 1, HOST,
            warnings::add));
        assertEquals("spin", ShardLauncher.shardIdle(spin.threadingMode(ThreadingMode.INVOKER), cpus, 1, HOST,
            warnings::add));
        if (cpus >= 4)
        {
            assertEquals("spin", ShardLauncher.shardIdle(pinned().idleStrategy("spin"), 2, 1, HOST, warnings::add));
        }
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void shouldYieldOnAHostOfARunAcrossHostsWhenItsShardsThreadsOutnumberItsCpus()
    {
        final int cpus = HOST.allowedCpus().length;
        final List<String> warnings = new ArrayList<>();
        // cpus workers and the exchange: one thread more than the CPUs.
        assertEquals("yield", ShardLauncher.hostIdle(pinned().idleStrategy("spin"), cpus, HOST, warnings::add));
        assertEquals(List.of("1 shard(s) x " + cpus + " worker(s) and 1 exchange thread(s) on " + cpus + " CPUs: " +
            "the workers yield instead of busy-spinning"), warnings);
        assertEquals("backoff", ShardLauncher.hostIdle(pinned().idleStrategy("backoff"), cpus, HOST, warnings::add));
        if (cpus >= 2)
        {
            assertEquals("spin", ShardLauncher.hostIdle(pinned().idleStrategy("spin"), cpus - 1, HOST,
                warnings::add));
        }
        assertEquals(1, warnings.size(), warnings.toString());
    }
}
