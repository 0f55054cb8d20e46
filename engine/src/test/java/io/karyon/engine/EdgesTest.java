package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edges: built in bulk by {@code connect}, read by behaviours and the driver, replaced between ticks, freed with their
 * cell, counted in the allocated bytes, and in the digest only where a cell has some.
 */
class EdgesTest
{
    static final CellLayout LAYOUT = CellLayout.builder().longField("sum").longField("count").build();
    static final int SUM = LAYOUT.offset("sum");
    static final int COUNT = LAYOUT.offset("count");

    /**
     * Each tick, adds up its edges' slots (read through the context) and the edge count.
     */
    static final class Reader implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            long sum = 0;
            final int count = context.edgeCount();
            for (int i = 0; i < count; i++)
            {
                sum += Handle.slot(context.edge(i));
            }
            cell.putLong(SUM, sum).putLong(COUNT, count);
            if (count > 0 && context.tick() == 5)
            {
                context.edge(count);
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }
    }

    static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6)
            .stateLength(LAYOUT.stateLength()).seed(5);
    }

    /**
     * Index i gets (i % 7) edges to random cells of the cohort.
     */
    static final EdgeGenerator RANDOM = (index, cell, sink, random) ->
    {
        for (int e = 0; e < index % 7; e++)
        {
            sink.add(Handle.of(random.nextInt(1000), 1));
        }
    };

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3 })
    void shouldConnectACohortInParallelAndReadItsEdgesInBehavioursAndFromTheDriver(final int workers)
    {
        try (Organism organism = Organism.launch(context(workers)))
        {
            organism.registerBehaviour("reader", new Reader());
            final Genotype genotype = organism.genotype("reader", LAYOUT, "reader");
            final Cohort cohort = organism.populate(genotype, 1000, null);
            final long before = organism.allocatedBytes();
            assertEquals(0, organism.edgeBytes());
            organism.connect(cohort, (index, cell, sink, random) ->
            {
                for (int e = 0; e < index % 7; e++)
                {
                    sink.add(cohort.handle((index + e + 1) % 1000));
                }
            });
            long edgeCount = 0;
            for (long i = 0; i < 1000; i++)
            {
                edgeCount += i % 7;
            }
            final long chunks = (1000 + 63) / 64;
            assertTrue(organism.edgeBytes() >= chunks * 64 * 8 + edgeCount * 8, "an index and the lists");
            assertTrue(organism.edgeBytes() <= chunks * 64 * 8 + (edgeCount + chunks * 64) * 8,
                "settled: little room left over: " + organism.edgeBytes());
            assertEquals(before + organism.edgeBytes(), organism.allocatedBytes());
            organism.run(1);
            for (long i = 0; i < 1000; i++)
            {
                final long handle = cohort.handle(i);
                assertEquals(i % 7, organism.edgeCount(handle));
                long sum = 0;
                for (int e = 0; e < i % 7; e++)
                {
                    assertEquals(cohort.handle((i + e + 1) % 1000), organism.edge(handle, e));
                    sum += Handle.slot(cohort.handle((i + e + 1) % 1000));
                }
                assertEquals(sum, organism.cell(handle).getLong(SUM), "read in the behaviour, index " + i);
                assertEquals(i % 7, organism.cell(handle).getLong(COUNT));
            }
        }
    }

    @Test
    void shouldDigestEdgesTheSameForAnyWorkerCountAndOnlyWhereACellHasThem()
    {
        final long[] plain = new long[3];
        final long[] connected = new long[3];
        for (int w = 1; w <= 3; w++)
        {
            try (Organism organism = Organism.launch(context(w)))
            {
                organism.registerBehaviour("reader", new Reader());
                final Genotype genotype = organism.genotype("reader", LAYOUT, "reader");
                final Cohort cohort = organism.populate(genotype, 1000, null);
                plain[w - 1] = organism.digest();
                organism.connect(cohort, (index, cell, sink, random) -> { });
                assertEquals(plain[w - 1], organism.digest(), "no edges: the digest it always had");
                assertEquals(0, organism.edgeBytes(), "no edges, no memory");
                organism.connect(cohort, RANDOM);
                connected[w - 1] = organism.digest();
                assertNotEquals(plain[w - 1], connected[w - 1]);
            }
        }
        assertEquals(plain[0], plain[1]);
        assertEquals(plain[0], plain[2]);
        assertEquals(connected[0], connected[1]);
        assertEquals(connected[0], connected[2]);
    }

    @Test
    void shouldReplaceEdgesBetweenTicksAndFreeThemWhenTheCellDies()
    {
        try (Organism organism = Organism.launch(context(2)))
        {
            organism.registerBehaviour("reader", new Reader());
            final Genotype genotype = organism.genotype("reader", LAYOUT, "reader");
            final long a = organism.spawn(genotype);
            final long b = organism.spawn(genotype);
            organism.setEdges(a, new long[]{ b, b, a });
            assertEquals(3, organism.edgeCount(a));
            assertEquals(a, organism.edge(a, 2));
            final long withA = organism.digest();
            organism.setEdges(a, new long[]{ b });
            assertEquals(1, organism.edgeCount(a));
            assertEquals(b, organism.edge(a, 0));
            assertNotEquals(withA, organism.digest());
            for (int i = 0; i < 100; i++)
            {
                organism.setEdges(a, new long[]{ i, i + 1, i + 2 });
            }
            assertEquals(99 + 101, organism.edge(a, 0) + organism.edge(a, 2));
            assertTrue(organism.edgeBytes() < 64 * 8 + 1024 * 8, "compacted as it goes: " + organism.edgeBytes());
            organism.setEdges(a, new long[0]);
            assertEquals(0, organism.edgeCount(a));
            assertEquals(0, organism.edgeBytes(), "the chunk's last edges went, and its blocks with them");
            organism.setEdges(a, new long[]{ b });
            organism.kill(a);
            assertEquals(0, organism.edgeBytes(), "freed with the cell");
            final long reborn = organism.spawn(genotype);
            assertEquals(Handle.slot(a), Handle.slot(reborn), "the same slot");
            assertEquals(0, organism.edgeCount(reborn), "a new occupant starts with none");
        }
    }

    @Test
    void shouldRejectBadInput()
    {
        try (Organism organism = Organism.launch(context(1)))
        {
            organism.registerBehaviour("reader", new Reader());
            final Genotype genotype = organism.genotype("reader", LAYOUT, "reader");
            final long a = organism.spawn(genotype);
            organism.setEdges(a, new long[]{ a, a });
            assertEquals("edge index must be in 0..1 for the cell in slot 0: i=2",
                assertThrows(IndexOutOfBoundsException.class, () -> organism.edge(a, 2)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> organism.edge(a, -1));
            assertEquals("setEdges: targets must not be null (empty for none)",
                assertThrows(IllegalArgumentException.class, () -> organism.setEdges(a, null)).getMessage());
            final long stale = Handle.of(Handle.slot(a), 7);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> organism.edgeCount(stale)).getMessage()
                .contains("is stale"));
            assertThrows(IllegalArgumentException.class, () -> organism.setEdges(stale, new long[0]));
            assertThrows(IllegalArgumentException.class, () -> organism.edge(Handle.of(5000, 1), 0));
            assertEquals("connect: generator must not be null", assertThrows(IllegalArgumentException.class,
                () -> organism.connect(organism.populate(genotype, 1, null), null)).getMessage());
            organism.run(6);
            assertEquals(1L, organism.stats().deathsByReason().get("exception"),
                "a behaviour reading past its edges dies; the worker goes on");
        }
    }

    @Test
    void shouldSkipCohortCellsThatDiedAndReportAGeneratorThatThrows()
    {
        try (Organism organism = Organism.launch(context(3)))
        {
            organism.registerBehaviour("reader", new Reader());
            final Genotype genotype = organism.genotype("reader", LAYOUT, "reader");
            final Cohort cohort = organism.populate(genotype, 200, null);
            organism.kill(cohort.handle(10));
            final long reborn = organism.spawn(genotype);
            organism.connect(cohort, (index, cell, sink, random) -> sink.add(index));
            assertEquals(0, organism.edgeCount(reborn), "the slot's new occupant is not the cohort's");
            assertEquals(11, organism.edge(cohort.handle(11), 0));
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.connect(cohort,
                (index, cell, sink, random) ->
                {
                    if (index == 70)
                    {
                        throw new IllegalStateException("no contacts for " + index);
                    }
                    sink.add(-index);
                }));
            assertEquals("worker karyon-worker-1 failed a job: java.lang.IllegalStateException: no contacts for 70",
                ex.getMessage());
            assertArrayEquals(new long[]{ -69, 71 },
                new long[]{ organism.edge(cohort.handle(69), 0), organism.edge(cohort.handle(71), 0) },
                "worker 1 stopped at index 70; 71 kept its edges");
            assertEquals(0, organism.edgeCount(cohort.handle(70)));
        }
    }
}
