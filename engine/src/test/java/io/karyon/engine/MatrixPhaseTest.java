package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixPhaseTest
{
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("site")
        .doubleField("seen0")
        .doubleField("seen1")
        .doubleField("sum")
        .build();
    private static final int SITE = LAYOUT.offset("site");
    private static final int SEEN0 = LAYOUT.offset("seen0");
    private static final int SEEN1 = LAYOUT.offset("seen1");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int CELLS = 3000;

    /**
     * Reads the matrix at its site, remembers what it saw, and deposits onto a random neighbourhood: its next state
     * depends on every other cell's deposits of the previous tick.
     */
    static final class Secretor implements Behaviour
    {
        private final Matrix matrix;

        Secretor(final Matrix matrix)
        {
            this.matrix = matrix;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long site = cell.getLong(SITE);
            final double seen = matrix.read(site, 0) + 0.5 * matrix.read(site, 1);
            if (0 == context.tick())
            {
                cell.putDouble(SEEN0, seen);
            }
            else if (1 == context.tick())
            {
                cell.putDouble(SEEN1, seen);
            }
            cell.putDouble(SUM, cell.getDouble(SUM) * 0.9 + seen);
            final long target = (site + context.nextLong() % 5 + matrix.sites()) % matrix.sites();
            matrix.writer(context.worker()).deposit(target, 0, 1.0 + context.nextDouble(), context.self());
            matrix.writer(context.worker()).deposit(site, 1, 1.0 + seen * 0.01, context.self());
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private static MatrixConfiguration configuration()
    {
        return new MatrixConfiguration().grid(60, 50).substances(2)
            .diffusionRate(0, 0.2).decayRate(0, 0.05).decayRate(1, 0.1);
    }

    private static long[] run(final int workers, final ThreadingMode mode, final int ticks, final long[] firstCell)
    {
        try (Matrix matrix = Matrix.create(configuration()))
        {
            final Context context = new Context().workerCount(workers).threadingMode(mode).chunkShift(8).seed(2026)
                .idleStrategy("backoff").tickPhase(matrix::applyTick);
            try (Organism organism = Organism.launch(context))
            {
                matrix.writers(organism.workerCount());
                organism.registerBehaviour("secretor", new Secretor(matrix));
                final Genotype genotype = organism.genotype("secretor", LAYOUT, "secretor");
                for (int i = 0; i < CELLS; i++)
                {
                    final long handle = organism.spawn(genotype);
                    organism.cell(handle).putLong(SITE, (i * 7919L) % matrix.sites());
                    if (0 == i)
                    {
                        firstCell[0] = handle;
                    }
                }
                organism.run(ticks);
                final CellFlyweight first = organism.cell(firstCell[0]);
                return new long[] { organism.digest(), matrix.digest(),
                    Double.doubleToRawLongBits(first.getDouble(SEEN0)),
                    Double.doubleToRawLongBits(first.getDouble(SEEN1)) };
            }
        }
    }

    @Test
    void shouldShowDepositsFromTheNextTickOnly()
    {
        final long[] first = new long[1];
        final long[] result = run(2, ThreadingMode.INVOKER, 2, first);
        assertEquals(0.0, Double.longBitsToDouble(result[2]), "nothing is visible in the tick deposits are made");
        // Every cell puts 1.0 of substance 1 on its own site each tick (read with weight 0.5), and its neighbours
        // may add substance 0: in tick 1 a cell sees at least its own deposit of tick 0.
        assertTrue(Double.longBitsToDouble(result[3]) >= 0.5, "tick 0's deposits are visible in tick 1");
    }

    @Test
    void shouldGiveTheSameCellsAndMatrixForAnyNumberOfWorkers()
    {
        final long[] first = new long[1];
        final long[] expected = run(1, ThreadingMode.INVOKER, 25, first);
        assertNotEquals(0.0, Double.longBitsToDouble(expected[3]));
        for (final int workers : new int[] { 2, 3, 4 })
        {
            final long[] actual = run(workers, ThreadingMode.INVOKER, 25, first);
            assertEquals(expected[0], actual[0], "cells, workers=" + workers);
            assertEquals(expected[1], actual[1], "matrix, workers=" + workers);
        }
        final long[] threads = run(2, ThreadingMode.DEDICATED, 25, first);
        assertEquals(expected[0], threads[0], "cells, 2 dedicated threads");
        assertEquals(expected[1], threads[1], "matrix, 2 dedicated threads");
    }
}
