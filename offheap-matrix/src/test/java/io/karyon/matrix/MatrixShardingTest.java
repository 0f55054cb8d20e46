package io.karyon.matrix;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    @CsvSource({ "true, 2, 1, -1", "true, 2, 2, -1", "true, 3, 1, -1", "false, 2, 1, -1", "false, 3, 2, -1",
        "true, 1, 1, 1", "true, 2, 1, 1", "true, 2, 2, 2", "true, 3, 1, 1", "true, 3, 1, 2" })
    void shouldMatchOneMatrixTickAfterTick(final boolean dynamic, final int shards, final int perShard,
        final int reach)
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
                if (reach >= 0)
                {
                    split[s].reach(reach);
                }
                split[s].shards().holdOnly(s * perShard, (s + 1) * perShard);
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
                    final long first = firstHeld(split[s]);
                    final long end = endHeld(split[s], first);
                    assertEquals(reach < 0 || 1 == shards, 0 == first && SIDE_X * SIDE_Y == end, "window " + first +
                        ".." + end + " of shard " + s);
                    assertEquals(whole.digest(first, end), split[s].digest(first, end),
                        "shard " + s + " after the phase of tick " + tick);
                }
                for (int d = 0; d < 60; d++)
                {
                    final int cell = random.nextInt(500);
                    final int writer = cell % parts;
                    final long site = reach < 0 ? random.nextInt(SIDE_X * SIDE_Y) : siteInReach(whole, writer,
                        reach, random);
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

    private static long firstHeld(final Matrix matrix)
    {
        long site = 0;
        while (!matrix.holds(site))
        {
            site++;
        }
        return site;
    }

    private static long endHeld(final Matrix matrix, final long first)
    {
        long site = first;
        while (site < matrix.sites() && matrix.holds(site))
        {
            site++;
        }
        return site;
    }

    /**
     * A site within a part's range plus a reach of rows each way.
     */
    private static long siteInReach(final Matrix matrix, final int part, final int reach,
        final SplittableRandom random)
    {
        final long lo = Math.max(0, matrix.firstSite(part) - (long)reach * SIDE_X);
        final long hi = Math.min(matrix.sites(), matrix.firstSite(part + 1) + (long)reach * SIDE_X);
        return lo + random.nextLong(hi - lo);
    }

    /**
     * The phase's barrier: every part goes from its shard to the others (with a reach, what each holds of it); then
     * the writers forget the others' parts.
     */
    private static void tradeParts(final Matrix[] split, final int perShard, final ExpandableArrayBuffer block)
    {
        final int parts = split.length * perShard;
        for (int from = 0; from < split.length; from++)
        {
            for (int to = 0; to < split.length; to++)
            {
                if (to != from)
                {
                    int length = 0;
                    for (int p = from * perShard; p < (from + 1) * perShard; p++)
                    {
                        length = split[from].shards().exportPart(p, to * perShard, (to + 1) * perShard, block,
                            length);
                    }
                    final UnsafeBuffer in = new UnsafeBuffer(block, 0, length);
                    int at = 0;
                    for (int p = from * perShard; p < (from + 1) * perShard; p++)
                    {
                        at = split[to].shards().importPart(p, in, at);
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
                    split[s].shards().dropDeposits(p);
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
                        length = split[from].shards().exportDeposits(w, p, block, length);
                    }
                }
                final UnsafeBuffer in = new UnsafeBuffer(block, 0, length);
                int at = 0;
                for (int w = from * perShard; w < (from + 1) * perShard; w++)
                {
                    for (int p = to * perShard; p < (to + 1) * perShard; p++)
                    {
                        at = split[to].shards().importDeposits(w, p, in, at);
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
                () -> matrix.shards().importDeposits(0, 1, new UnsafeBuffer(block, 0, 24), 0));
            assertEquals("in-memory matrix: writer 0's deposit 0 for part 1 names value 0, which is not that part's",
                foreign.getMessage());
            block.putInt(0, 1000);
            final IllegalStateException tooMany = assertThrows(IllegalStateException.class,
                () -> matrix.shards().importDeposits(0, 0, new UnsafeBuffer(block, 0, 24), 0));
            assertEquals("in-memory matrix: writer 0's deposits for part 0 claim 1000 deposits at byte 0; the block " +
                "has room for 1", tooMany.getMessage());
            matrix.applyTick(0, 2, 0);
            final int length = matrix.shards().exportPart(0, 1, 2, block, 0);
            final IllegalStateException wrongPart = assertThrows(IllegalStateException.class,
                () -> matrix.shards().importPart(1, new UnsafeBuffer(block, 0, length), 0));
            assertEquals("in-memory matrix: part 0 came at byte 0 where part 1 was expected", wrongPart.getMessage());
            final IllegalStateException cut = assertThrows(IllegalStateException.class,
                () -> matrix.shards().importPart(0, new UnsafeBuffer(block, 0, length - 8), 0));
            final int values = SIDE_X * SIDE_Y / 2 * SUBSTANCES;
            assertEquals("in-memory matrix: part 0 came with values [0, " + values + ") at byte 0; this shard takes " +
                "[0, " + values + ") of it (do the shards declare the same reach?) and the block has room for " +
                (values - 1), cut.getMessage());
        }
    }

    @Test
    void shouldRefuseABadReach()
    {
        try (Matrix dynamic = Matrix.create(configuration(true));
            Matrix decaying = Matrix.create(new MatrixConfiguration().grid(SIDE_X, SIDE_Y).decayRate(0, 0.1));
            Matrix fixed = Matrix.create(configuration(false)))
        {
            assertEquals("in-memory matrix: reach must be >= 0 rows: reach=-1",
                assertThrows(IllegalArgumentException.class, () -> dynamic.reach(-1)).getMessage());
            assertEquals("in-memory matrix: reach 0 is less than diffusion's stencil (1 rows each way): reach=0",
                assertThrows(IllegalArgumentException.class, () -> dynamic.reach(0)).getMessage());
            assertEquals("in-memory matrix: reach 7 rows is not less than the grid's 7 rows: declare no reach to " +
                "hold every site: reach=7", assertThrows(IllegalArgumentException.class, () -> dynamic.reach(7))
                .getMessage());
            assertEquals("in-memory matrix: a reach needs a dynamic matrix (some decay or diffusion: its parts own " +
                "ranges of sites); a static matrix's parts are whole segments of the map: reach=1",
                assertThrows(IllegalArgumentException.class, () -> fixed.reach(1)).getMessage());
            assertEquals(-1, dynamic.reach());
            dynamic.reach(6);
            assertEquals(6, dynamic.reach());
            decaying.reach(0);  // nothing diffuses: a part reads only its own range
            assertEquals(0, decaying.reach());
        }
    }

    @Test
    void shouldRefuseReadsAndDepositsBeyondTheReach()
    {
        try (Matrix matrix = Matrix.create(configuration(true)))
        {
            // 91 sites in 3 parts: [0, 30), [30, 60), [60, 91); this shard runs part 1; reach 1 row of 13 sites.
            matrix.writers(3);
            matrix.reach(1);
            assertEquals(0.0, matrix.read(0, 0));
            matrix.shards().holdOnly(1, 2);
            assertEquals(0.0, matrix.read(17, 0));
            assertEquals(0.0, matrix.read(72, 1));
            final IllegalArgumentException far = assertThrows(IllegalArgumentException.class, () -> matrix.read(73, 0));
            assertEquals("in-memory matrix: site 73 is outside what this shard holds: sites [17, 73), its parts 1..1 " +
                "of 3 and their reach of 1 rows; beyond the reach a read would see a stale value", far.getMessage());
            assertThrows(IllegalArgumentException.class, () -> matrix.read(16, 0));
            assertEquals("in-memory matrix: a digest needs every site, and this shard holds sites [17, 73) of 91 (a " +
                "reach is declared; other shards' sites are not gathered)",
                assertThrows(IllegalStateException.class, matrix::digest).getMessage());
            assertThrows(IllegalStateException.class, () -> matrix.total(0));
            // Writer 0 (part 0: sites [0, 30), reach [0, 43)) sends part 1 a deposit on site 45: beyond its reach.
            final ExpandableArrayBuffer block = new ExpandableArrayBuffer(64);
            block.putInt(0, 2);
            block.putInt(4, 42 * SUBSTANCES);
            block.putLong(8, 5);
            block.putDouble(16, 1.0);
            block.putInt(24, 45 * SUBSTANCES + 1);
            block.putLong(28, 5);
            block.putDouble(36, 1.0);
            final IllegalStateException beyond = assertThrows(IllegalStateException.class,
                () -> matrix.shards().importDeposits(0, 1, new UnsafeBuffer(block, 0, 44), 0));
            assertEquals("in-memory matrix: a deposit on site 45 by a cell of part 0 is beyond the part's reach of 1 " +
                "rows: sites [0, 43) (its deposit 1 for part 1)", beyond.getMessage());
            assertEquals(0, matrix.writer(0).pending());
        }
    }

    @Test
    void shouldKeepOnlyItsWindowOnceItHoldsIt() throws Exception
    {
        try (Matrix matrix = Matrix.create(configuration(true)))
        {
            // 91 sites in 3 parts; this shard runs part 1: window [17, 73) with a reach of 1 row of 13 sites.
            matrix.writers(3);
            matrix.reach(1);
            final SplittableRandom random = new SplittableRandom(18);
            final double[] values = new double[SIDE_X * SIDE_Y * SUBSTANCES];
            for (int v = 0; v < values.length; v++)
            {
                values[v] = random.nextDouble();
                matrix.depositDirect(v / SUBSTANCES, v % SUBSTANCES, values[v]);
            }
            final long partDigest = matrix.digest(30, 60);
            matrix.shards().holdOnly(1, 2);
            matrix.shards().holdOnly(1, 2);  // told again at every phase: the window is cut once
            for (int v = 17 * SUBSTANCES; v < 73 * SUBSTANCES; v++)
            {
                assertEquals(values[v], matrix.read(v / SUBSTANCES, v % SUBSTANCES), "value " + v);
            }
            assertEquals(partDigest, matrix.digest(30, 60));
            assertThrows(IllegalArgumentException.class, () -> matrix.depositDirect(73, 0, 1.0));
            assertThrows(IllegalArgumentException.class, () -> matrix.depositDirect(16, 1, 1.0));
            matrix.depositDirect(72, 1, 0.5);
            values[72 * SUBSTANCES + 1] += 0.5;
            assertEquals(values[72 * SUBSTANCES + 1], matrix.read(72, 1));
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            matrix.writeState(new DataOutputStream(bytes));
            final ByteBuffer state = ByteBuffer.wrap(bytes.toByteArray());
            assertEquals(SIDE_X * SIDE_Y, state.getInt());
            assertEquals(SUBSTANCES, state.getInt());
            state.order(ByteOrder.nativeOrder());
            for (int v = 0; v < values.length; v++)
            {
                final int site = v / SUBSTANCES;
                assertEquals(site >= 17 && site < 73 ? values[v] : 0.0, state.getDouble(), "value " + v);
            }
            assertEquals("in-memory matrix: this shard holds only sites [17, 73) (a reach is declared and the run " +
                "has started): a state is read before the first tick", assertThrows(IllegalStateException.class,
                () -> matrix.readState(new DataInputStream(new ByteArrayInputStream(
                bytes.toByteArray())))).getMessage());
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
