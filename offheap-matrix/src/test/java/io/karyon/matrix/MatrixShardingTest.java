package io.karyon.matrix;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A matrix split between "shards" (here matrices in one test, each running the tick phases of its own parts and
 * trading frames with the others as a sharded run's exchange does) gives, tick after tick, the same bits as one
 * matrix that runs every part: seeded random deposits from every writer on any site, set-up deposits made on every
 * shard alike, dynamic (decay and 2D diffusion, so ranges read their neighbours across shards) and static.
 */
class MatrixShardingTest
{
    private static final int SIDE_X = 13;
    private static final int SIDE_Y = 7;
    private static final int SUBSTANCES = 2;

    private static MatrixConfiguration configuration(final boolean dynamic)
    {
        final MatrixConfiguration configuration =
            new MatrixConfiguration().grid(SIDE_X, SIDE_Y).substances(SUBSTANCES);
        if (dynamic)
        {
            configuration.decayRate(0, 0.05).diffusionRate(0, 0.2).diffusionRate(1, 0.1).decayRate(1, 0.3);
        }
        return configuration;
    }

    @ParameterizedTest
    @CsvSource({ "true, 2, 1", "true, 2, 2", "true, 3, 1", "false, 2, 1", "false, 3, 2" })
    void shouldMatchOneMatrixTickAfterTick(final boolean dynamic, final int shards, final int perShard)
    {
        final int parts = shards * perShard;
        final Matrix whole = Matrix.create(configuration(dynamic));
        final Matrix[] split = new Matrix[shards];
        try
        {
            final MatrixWriter[] wholeWriters = whole.writers(parts);
            final MatrixWriter[][] splitWriters = new MatrixWriter[shards][];
            for (int s = 0; s < shards; s++)
            {
                split[s] = Matrix.create(configuration(dynamic));
                splitWriters[s] = split[s].writers(parts);
            }
            // Set-up deposits, made on every shard alike (by the driver, into writer 0).
            wholeWriters[0].deposit(40, 0, 9.0, -1);
            wholeWriters[0].deposit(3, 1, 2.0, -1);
            for (int s = 0; s < shards; s++)
            {
                splitWriters[s][0].deposit(40, 0, 9.0, -1);
                splitWriters[s][0].deposit(3, 1, 2.0, -1);
            }
            final SplittableRandom random = new SplittableRandom(42 + parts);
            final ExpandableArrayBuffer block = new ExpandableArrayBuffer(256);
            for (int tick = 0; tick < 25; tick++)
            {
                for (int p = 0; p < parts; p++)
                {
                    whole.applyTick(p, parts, tick);
                    split[p / perShard].applyTick(p, parts, tick);
                }
                tradeParts(split, perShard, block);
                for (int s = 0; s < shards; s++)
                {
                    assertEquals(whole.digest(), split[s].digest(), "shard " + s + " after the phase of tick " + tick);
                }
                for (int d = 0; d < 60; d++)
                {
                    final int cell = random.nextInt(500);
                    final int writer = cell % parts;
                    final long site = random.nextInt(SIDE_X * SIDE_Y);
                    final int substance = random.nextInt(SUBSTANCES);
                    final double amount = random.nextDouble() * 3 - 1;
                    wholeWriters[writer].deposit(site, substance, amount, cell);
                    splitWriters[writer / perShard][writer].deposit(site, substance, amount, cell);
                }
                tradeDeposits(split, perShard, block);
            }
        }
        finally
        {
            whole.close();
            for (final Matrix matrix : split)
            {
                if (null != matrix)
                {
                    matrix.close();
                }
            }
        }
    }

    /**
     * The phase's barrier: every part goes from its shard to the others; then the writers forget the others' parts.
     */
    private static void tradeParts(final Matrix[] split, final int perShard, final ExpandableArrayBuffer block)
    {
        final int parts = split.length * perShard;
        for (int from = 0; from < split.length; from++)
        {
            int length = 0;
            for (int p = from * perShard; p < (from + 1) * perShard; p++)
            {
                length = split[from].exportPart(p, block, length);
            }
            for (int to = 0; to < split.length; to++)
            {
                if (to != from)
                {
                    final UnsafeBuffer in = new UnsafeBuffer(block, 0, length);
                    int at = 0;
                    for (int p = from * perShard; p < (from + 1) * perShard; p++)
                    {
                        at = split[to].importPart(p, in, at);
                    }
                    assertEquals(length, at);
                }
            }
        }
        for (int s = 0; s < split.length; s++)
        {
            for (int p = 0; p < parts; p++)
            {
                if (p / perShard != s)
                {
                    split[s].dropDeposits(p);
                }
            }
        }
    }

    /**
     * The tick's barrier: each writer's deposits for another shard's parts go to that shard.
     */
    private static void tradeDeposits(final Matrix[] split, final int perShard, final ExpandableArrayBuffer block)
    {
        for (int from = 0; from < split.length; from++)
        {
            for (int to = 0; to < split.length; to++)
            {
                if (to == from)
                {
                    continue;
                }
                int length = 0;
                for (int w = from * perShard; w < (from + 1) * perShard; w++)
                {
                    for (int p = to * perShard; p < (to + 1) * perShard; p++)
                    {
                        length = split[from].exportDeposits(w, p, block, length);
                    }
                }
                final UnsafeBuffer in = new UnsafeBuffer(block, 0, length);
                int at = 0;
                for (int w = from * perShard; w < (from + 1) * perShard; w++)
                {
                    for (int p = to * perShard; p < (to + 1) * perShard; p++)
                    {
                        at = split[to].importDeposits(w, p, in, at);
                    }
                }
                assertEquals(length, at);
            }
        }
    }

    @Test
    void shouldRefuseFramesThatAreNotWhatTheySay()
    {
        try (Matrix matrix = Matrix.create(configuration(true)))
        {
            matrix.writers(2);
            final ExpandableArrayBuffer block = new ExpandableArrayBuffer(64);
            block.putInt(0, 1);
            block.putInt(4, 0);  // site 0, substance 0: part 0's
            block.putLong(8, 5);
            block.putDouble(16, 1.0);
            final IllegalStateException foreign = assertThrows(IllegalStateException.class,
                () -> matrix.importDeposits(0, 1, new UnsafeBuffer(block, 0, 24), 0));
            assertEquals("in-memory matrix: writer 0's deposit 0 for part 1 names value 0, which is not that part's",
                foreign.getMessage());
            block.putInt(0, 1000);
            final IllegalStateException tooMany = assertThrows(IllegalStateException.class,
                () -> matrix.importDeposits(0, 0, new UnsafeBuffer(block, 0, 24), 0));
            assertEquals("in-memory matrix: writer 0's deposits for part 0 claim 1000 deposits at byte 0; the block " +
                "has room for 1", tooMany.getMessage());
            matrix.applyTick(0, 2, 0);
            final int length = matrix.exportPart(0, block, 0);
            final IllegalStateException wrongPart = assertThrows(IllegalStateException.class,
                () -> matrix.importPart(1, new UnsafeBuffer(block, 0, length), 0));
            assertEquals("in-memory matrix: part 0 came at byte 0 where part 1 was expected", wrongPart.getMessage());
            final IllegalStateException cut = assertThrows(IllegalStateException.class,
                () -> matrix.importPart(0, new UnsafeBuffer(block, 0, length - 8), 0));
            assertEquals("in-memory matrix: part 0 came with " + (SIDE_X * SIDE_Y / 2 * SUBSTANCES) + " values at " +
                "byte 0; it has " + (SIDE_X * SIDE_Y / 2 * SUBSTANCES) + " and the block room for " +
                (SIDE_X * SIDE_Y / 2 * SUBSTANCES - 1), cut.getMessage());
        }
    }

    @Test
    void shouldSayThatAMatrixInAFileCannotBeSplit() throws Exception
    {
        final Path dir = Files.createTempDirectory("karyon-matrix-shard-");
        final File file = dir.resolve("grid.matrix").toFile();
        try (Matrix inMemory = Matrix.create(configuration(true));
            Matrix persisted = Matrix.createPersistedTo(file, configuration(true)))
        {
            assertNull(inMemory.unshardable());
            assertNotNull(persisted.unshardable());
            assertEquals(file + ": a matrix persisted to a file cannot be split between shards (each would write " +
                "the file); use one in memory", persisted.unshardable());
        }
        finally
        {
            Files.deleteIfExists(file.toPath());
            Files.deleteIfExists(dir);
        }
    }
}
