package io.karyon.shard;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Cohort;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.Organism;
import io.karyon.engine.Supervisor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.engine.internal.Arena;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each shard of a sharded run holds only its own cells: the other shards' families are kept as counts and handles
 * (stand-in chunks), their slots never written, while every shard's driver gets the same handles and the run the
 * digest of one process. Set up by the driver's spawns (and writes to the cells), a cohort on the workers and
 * supervised spawns, with messages crossing the shards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardMemoryTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("next").longField("sum").build();
    private static final int NEXT = LAYOUT.offset("next");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int SPAWNED = 3000;
    private static final int COHORT = 5000;
    private static final int SUPERVISED = 600;
    private static final int TICKS = 12;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-memory-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    private static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(8)
            .idleStrategy("backoff").seed(11);
    }

    /**
     * The set-up, alike on every shard: returns every handle it made, in order.
     */
    private static long[] setUp(final Organism organism)
    {
        organism.registerBehaviour("passer", new Passer());
        final Genotype genotype = organism.genotype("passer", LAYOUT, "passer");
        final long[] handles = new long[SPAWNED + COHORT + SUPERVISED];
        for (int i = 0; i < SPAWNED; i++)
        {
            handles[i] = organism.spawn(genotype);
        }
        final Cohort cohort = organism.populate(genotype, COHORT,
            (index, cell, random) -> cell.putLong(SUM, index + random.nextInt(7)));
        for (int i = 0; i < COHORT; i++)
        {
            handles[SPAWNED + i] = cohort.handle(i);
        }
        final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 5, 1);
        for (int i = 0; i < SUPERVISED; i++)
        {
            handles[SPAWNED + COHORT + i] = organism.spawn(genotype, supervisor, RestartType.PERMANENT);
        }
        for (int i = 0; i < handles.length; i++)
        {
            // Every shard writes every cell: the owner's writes land, the others' go nowhere.
            organism.cell(handles[i]).putLong(NEXT, handles[(i + 7919) % handles.length]).putLong(SUM, i);
        }
        return handles;
    }

    @Test
    void shouldKeepNoCellOfAnotherShardWithTwoShardsOfOneWorker() throws Exception
    {
        assertEachShardHoldsItsOwnCells(2, 1);
    }

    @Test
    void shouldKeepNoCellOfAnotherShardWithTwoShardsOfTwoWorkers() throws Exception
    {
        assertEachShardHoldsItsOwnCells(2, 2);
    }

    @Test
    void shouldKeepNoCellOfAnotherShardWithThreeShardsOfOneWorker() throws Exception
    {
        assertEachShardHoldsItsOwnCells(3, 1);
    }

    private void assertEachShardHoldsItsOwnCells(final int shards, final int perShard) throws Exception
    {
        final int workers = shards * perShard;
        final long expected;
        final long[] expectedHandles;
        final long oneProcessBytes;
        try (Organism organism = Organism.launch(context(workers)))
        {
            expectedHandles = setUp(organism);
            oneProcessBytes = organism.allocatedBytes();
            organism.run(TICKS);
            expected = organism.digest();
        }
        try (Organism organism = Organism.launch(context(1)))
        {
            setUp(organism);
            organism.run(TICKS);
            assertEquals(expected, organism.digest(), "one process of 1 worker and of " + workers);
        }
        final long[][] handles = new long[shards][];
        final long[] digests = new long[shards];
        final long[][] written = new long[shards][workers];
        final long[] allocated = new long[shards];
        ShardThreads.run(shards, ShardThreads.links(dir, shards, false, TIMEOUT_NS), (shard, link) ->
        {
            try (Organism organism = Organism.launch(context(workers).shardLink(link)))
            {
                handles[shard] = setUp(organism);
                allocated[shard] = organism.allocatedBytes();
                for (int w = 0; w < workers; w++)
                {
                    written[shard][w] = organism.workers().initialisedSlots(w);
                }
                final long remote = firstOfAnotherShard(organism, handles[shard], shard, perShard);
                assertTrue(organism.isAlive(remote), "shard " + shard + ": another shard's cell is alive");
                final IllegalArgumentException kill =
                    assertThrows(IllegalArgumentException.class, () -> organism.kill(remote));
                assertTrue(kill.getMessage().contains("is another shard's"), kill.getMessage());
                organism.run(TICKS);
                digests[shard] = organism.digest();
                final IllegalArgumentException read =
                    assertThrows(IllegalArgumentException.class, () -> organism.cell(remote));
                assertTrue(read.getMessage().endsWith("in a sharded run the driver reads and writes only its own " +
                    "shard's cells once a tick has run"), read.getMessage());
            }
        });
        for (int s = 0; s < shards; s++)
        {
            assertArrayEquals(expectedHandles, handles[s], "shard " + s + "'s handles");
            assertEquals(expected, digests[s], "shard " + s + "'s digest");
            long all = 0;
            for (int w = 0; w < workers; w++)
            {
                if (w / perShard == s)
                {
                    assertTrue(written[s][w] > 0, "shard " + s + " wrote no cell of its worker " + w);
                    all += written[s][w];
                }
                else
                {
                    assertEquals(0, written[s][w], "shard " + s + " wrote cells of another shard's worker " + w);
                }
            }
            assertTrue(all < expectedHandles.length, "shard " + s + " wrote " + all + " of " +
                expectedHandles.length + " cells");
        }
        assertEquals(expectedHandles.length, sum(written), "the shards together wrote every cell once");
        // allocated_bytes counts a shard's own chunks, not the stand-ins' reserved address space: each shard's is
        // part of one process's, and together they are one process's.
        for (int s = 0; s < shards; s++)
        {
            assertTrue(allocated[s] > 0 && allocated[s] < oneProcessBytes * 2 / (shards + 1), "shard " + s +
                " allocated " + allocated[s] + " bytes of one process's " + oneProcessBytes);
        }
        assertEquals(oneProcessBytes, sum(new long[][]{ allocated }),
            "the shards' allocated bytes add up to one process's");
    }

    private static long firstOfAnotherShard(final Organism organism, final long[] handles, final int shard,
        final int perShard)
    {
        for (final long handle : handles)
        {
            // A cell whose family's owner is on the other shard: the driver's write to it went nowhere.
            if (ownerShard(handle, organism, perShard) != shard)
            {
                assertEquals(0, organism.cell(handle).getLong(NEXT), "another shard's cell reads as zero");
                return handle;
            }
        }
        throw new AssertionError("no cell of another shard");
    }

    private static int ownerShard(final long handle, final Organism organism, final int perShard)
    {
        final int family = Handle.slot(handle) >>> (organism.context().chunkShift() + Arena.FAMILY_SHIFT);
        return (family % Arena.FAMILY_CLASSES) % organism.workerCount() / perShard;
    }

    private static long sum(final long[][] counts)
    {
        long sum = 0;
        for (final long[] row : counts)
        {
            for (final long count : row)
            {
                sum += count;
            }
        }
        return sum;
    }

    /**
     * Adds what it is sent to its sum, and sends its sum to its next cell every tick.
     */
    static final class Passer implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            context.send(cell.getLong(NEXT), 1, cell.getLong(SUM) + (context.nextLong() & 7));
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(SUM, cell.getLong(SUM) * 31 + payload);
        }
    }
}
