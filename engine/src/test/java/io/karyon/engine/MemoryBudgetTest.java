package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.internal.ArenaDescriptor;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.agrona.BitUtil.CACHE_LINE_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory budget: sizes as people write them, the default's share of the machine, the up-front estimate, and an
 * organism that stops, with one line naming what ran out, when its cells grow past the budget.
 */
class MemoryBudgetTest
{
    private static final CellLayout LAYOUT = CellLayout.builder().longField("generation").build();
    private static final int CHUNK_SHIFT = 16;
    private static final long CHUNK_LENGTH = ArenaDescriptor.chunkLength(LAYOUT.stateLength(), CHUNK_SHIFT,
        CACHE_LINE_LENGTH);

    @Test
    void shouldParseSizesWithOrWithoutASuffix()
    {
        assertEquals(8L << 30, MemoryBudget.parseSize("--max-memory", "8g"));
        assertEquals(512L << 20, MemoryBudget.parseSize("--max-memory", "512M"));
        assertEquals(64L << 10, MemoryBudget.parseSize("--max-memory", "64kb"));
        assertEquals(2L << 40, MemoryBudget.parseSize("--max-memory", "2t"));
        assertEquals(1048576, MemoryBudget.parseSize("--max-memory", "1048576"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "0", "-1g", "8x", "g", "1.5g", "99999999999t", " " })
    void shouldRejectWhatIsNotAPositiveSizeNamingTheSettingAndValue(final String value)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> MemoryBudget.parseSize("--max-memory", value));
        assertEquals("--max-memory must be a positive size such as 8g, 512m or 1048576 (bytes; suffixes k, m, g, t): " +
            "was '" + value + "'", ex.getMessage());
    }

    @Test
    void shouldFormatSizesForPeople()
    {
        assertEquals("512 B", MemoryBudget.format(512));
        assertEquals("5.27 MiB", MemoryBudget.format(5_525_504));
        assertEquals("18.8 GiB", MemoryBudget.format((long)(18.8 * (1L << 30))));
        assertEquals("169 GiB", MemoryBudget.format(169L << 30));
    }

    @Test
    void shouldLeaveTheMachineAFifthOfItsMemoryByDefault()
    {
        final long physical = MemoryBudget.physicalMemory();
        assertTrue(physical > 0, "physical memory unknown");
        assertEquals((long)(physical * MemoryBudget.DEFAULT_SHARE), MemoryBudget.defaultLimit());
        assertEquals(MemoryBudget.defaultLimit(), new Context().maxMemory());
    }

    @Test
    void shouldReadMemTotalFromMeminfo(@TempDir final Path dir) throws IOException
    {
        final Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       24573440 kB\nMemFree:         1000 kB\n");
        assertEquals(24573440L * 1024, MemoryBudget.memInfoTotal(meminfo));
        Files.writeString(meminfo, "MemFree: 1000 kB\n");
        assertEquals(0, MemoryBudget.memInfoTotal(meminfo));
        assertEquals(0, MemoryBudget.memInfoTotal(dir.resolve("missing")));
    }

    @Test
    void shouldTakeTheLimitFromItsProperty()
    {
        System.setProperty(Configuration.MAX_MEMORY_PROP_NAME, "3g");
        try
        {
            assertEquals(3L << 30, new Context().maxMemory());
            System.setProperty(Configuration.MAX_MEMORY_PROP_NAME, "lots");
            final ConfigurationException ex = assertThrows(ConfigurationException.class, Configuration::maxMemory);
            assertTrue(ex.getMessage().startsWith(Configuration.MAX_MEMORY_PROP_NAME + " must be a positive size"),
                ex.getMessage());
        }
        finally
        {
            System.clearProperty(Configuration.MAX_MEMORY_PROP_NAME);
        }
    }

    @Test
    void shouldRefuseAnEstimatePastTheLimitWithOneLineNamingBoth()
    {
        final Context context = new Context().workerCount(2).stateLength(64).chunkShift(16);
        final MemoryEstimate estimate = new MemoryEstimate(context).cells(1_000_000_000L).supervisors(1000, 1000);
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> estimate.check(16L << 30));
        assertEquals("the run needs about 78.5 GiB off the heap (1,000,000,000 cells of 80 bytes: 78.5 GiB, the " +
            "engine's queues for 2 worker(s): 640 KiB, 1,000 supervisors: 129 KiB), more than --max-memory 16.0 GiB: " +
            "run fewer cells, or raise --max-memory (karyon.engine.max.memory)", ex.getMessage());
        assertEquals(estimate, estimate.check(estimate.bytes()));
    }

    @Test
    void shouldCountWholeChunksAtTheStateLengthInForce()
    {
        final Context context = new Context().workerCount(1).chunkShift(CHUNK_SHIFT);
        final long engine = new MemoryEstimate(context).bytes();
        assertEquals(engine + CHUNK_LENGTH, new MemoryEstimate(context).stateLength(8).cells(1).bytes());
        assertEquals(engine + 2 * CHUNK_LENGTH,
            new MemoryEstimate(context).stateLength(8).cells((1 << CHUNK_SHIFT) + 1).bytes());
        assertEquals(engine, new MemoryEstimate(context).cells(0).bytes());
    }

    @Test
    void shouldRefuseAChunkPastTheLimitAndChargeNothingForIt()
    {
        final long inUse = new MemoryBudget(1).inUse();
        final MemoryBudget budget = new MemoryBudget(inUse + 1000 + (1L << 20));
        budget.charge(1000, "a test area");
        final MemoryBudget.Exceeded ex = assertThrows(MemoryBudget.Exceeded.class,
            () -> budget.charge(2L << 20, "arena chunk 3 (family 0)"));
        assertTrue(ex.getMessage().startsWith("out of memory: the memory budget (--max-memory "), ex.getMessage());
        assertTrue(ex.getMessage().contains("arena chunk 3 (family 0) needs 2.00 MiB"), ex.getMessage());
        assertEquals(1000, budget.charged());
        budget.release(1000);
        assertEquals(0, budget.charged());
    }

    @Test
    void shouldStopSpawnsFromOutsidePastTheBudgetAndGiveTheMemoryBackOnClose()
    {
        final long limit = directBytes() + (1L << 20) + 3 * CHUNK_LENGTH + CHUNK_LENGTH / 2;
        try (Organism organism = Organism.launch(context(1).maxMemory(limit)))
        {
            organism.registerBehaviour("idle", new Divider(0));
            final Genotype genotype = organism.genotype("idle", LAYOUT, "idle");
            final MemoryBudget.Exceeded ex = assertThrows(MemoryBudget.Exceeded.class, () ->
            {
                for (int i = 0; i < 20 << CHUNK_SHIFT; i++)
                {
                    organism.spawn(genotype);
                }
            });
            assertTrue(ex.getMessage().contains("arena chunk"), ex.getMessage());
            assertTrue(organism.allocatedBytes() <= limit, "arena holds " + organism.allocatedBytes());
            assertTrue(organism.allocatedBytes() >= 2 * CHUNK_LENGTH, "arena holds " + organism.allocatedBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldStopTheRunWhenCellsGrowPastTheBudget(final int workers)
    {
        final long limit = directBytes() + (1L << 20) + 6 * CHUNK_LENGTH;
        try (Organism organism = Organism.launch(context(workers).maxMemory(limit)))
        {
            final Divider divider = new Divider(1_000_000);
            organism.registerBehaviour("divider", divider);
            final Genotype genotype = organism.genotype("divider", LAYOUT, "divider");
            divider.genotype = genotype;
            organism.spawn(genotype);
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(100));
            final MemoryBudget.Exceeded cause = assertInstanceOf(MemoryBudget.Exceeded.class, ex.getCause());
            assertTrue(cause.getMessage().startsWith("out of memory: the memory budget"), cause.getMessage());
            assertEquals(limit, cause.limit());
        }
    }

    private static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(CHUNK_SHIFT)
            .stateLength(LAYOUT.stateLength()).hugePages(false);
    }

    private static long directBytes()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool.getMemoryUsed();
            }
        }
        return 0;
    }

    /**
     * Divides every tick until its lineage has as many cells as asked.
     */
    static final class Divider implements Behaviour
    {
        private final long most;
        private long cells = 1;
        Genotype genotype;

        Divider(final long most)
        {
            this.most = most;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if (cells < most)
            {
                context.spawn(genotype);
                cells++;
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }
    }
}
