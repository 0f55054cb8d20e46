package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.CellStorage;
import io.karyon.engine.cell.Handle;
import io.karyon.scheduler.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tick sweep ({@link Visit#stepWord}): the flyweight, wrapped once per bitmap word and re-pointed per cell by
 * {@link CellFlyweight#moveTo}, lands on each cell's own state in either storage; cells that die or spawn in the middle
 * of a word leave the cells after them stepped exactly once per tick in their own place, with the same digest on 1, 2
 * and 3 workers and in either storage; and a step that wraps its flyweight over another buffer does not carry the
 * next cell's step there.
 */
class StepSweepTest
{
    static final CellLayout LAYOUT = CellLayout.builder().doubleField("x").longField("n").longField("pad").build();
    static final int X = LAYOUT.offset("x");
    static final int N = LAYOUT.offset("n");
    static final int CELLS = 700;
    static final int TICKS = 30;

    /**
     * The logistic map and a count of its steps; now and then dies or spawns a daughter, drawn from the cell's
     * stream.
     */
    static final class Churn implements Behaviour
    {
        Genotype daughter;

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double x = cell.getDouble(X);
            cell.putDouble(X, 3.9 * x * (1.0 - x));
            cell.putLong(N, cell.getLong(N) + 1);
            final double draw = context.nextDouble();
            if (draw < 0.02)
            {
                context.die(ExitReasons.NORMAL);
            }
            else if (draw < 0.05)
            {
                context.spawn(daughter);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    /**
     * The logistic map; then, in every fourth slot, the step wraps its flyweight over a buffer of its own and writes
     * there, as a behaviour may (one worker: the buffer is shared).
     */
    static final class Wanderer implements Behaviour
    {
        final UnsafeBuffer elsewhere = new UnsafeBuffer(new byte[1 << 16]);
        final boolean wander;
        int wanders;

        Wanderer(final boolean wander)
        {
            this.wander = wander;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final double x = cell.getDouble(X);
            cell.putDouble(X, 3.9 * x * (1.0 - x));
            cell.putLong(N, cell.getLong(N) + 1);
            if (wander && 0 == (Handle.slot(context.self()) & 3))
            {
                cell.wrap(elsewhere, 128, cell.slot());
                cell.putDouble(X, -1.0);
                wanders++;
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }
    }

    private Organism organism;

    @AfterEach
    void close()
    {
        if (null != organism)
        {
            organism.close();
            organism = null;
        }
    }

    private Organism launch(final CellStorage storage, final int workers)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(8).stateLength(24).cellStorage(storage).seed(11));
        return organism;
    }

    private static double start(final int i)
    {
        return (i * 0.6180339887498949 + 0.05) % 1.0 * 0.98 + 0.01;
    }

    private static double logistic(final double x0, final long steps)
    {
        double x = x0;
        for (long t = 0; t < steps; t++)
        {
            x = 3.9 * x * (1.0 - x);
        }
        return x;
    }

    /**
     * Runs the churning population; checks every founder still alive against a scalar loop over its own step count.
     *
     * @return the digest, then per founder its x (or NaN when dead) and its steps.
     */
    private List<Object> churn(final CellStorage storage, final int workers)
    {
        launch(storage, workers);
        final Churn churn = new Churn();
        organism.registerBehaviour("churn", churn);
        final Genotype genotype = organism.genotype("churn", LAYOUT, "churn").putDouble(X, 0.3);
        churn.daughter = genotype;
        final long[] founders = new long[CELLS];
        for (int i = 0; i < CELLS; i++)
        {
            founders[i] = organism.spawn(genotype);
            organism.cell(founders[i]).putDouble(X, start(i));
        }
        organism.run(TICKS);
        final List<Object> values = new ArrayList<>();
        values.add(organism.digest());
        int alive = 0;
        for (int i = 0; i < CELLS; i++)
        {
            if (!organism.isAlive(founders[i]))
            {
                values.add(Double.NaN);
                values.add(-1L);
                continue;
            }
            alive++;
            final CellFlyweight cell = organism.cell(founders[i]);
            final long steps = cell.getLong(N);
            assertEquals(TICKS, steps, "a live founder steps once a tick: " + i);
            assertEquals(logistic(start(i), steps), cell.getDouble(X), "founder " + i + "'s x, in its own place");
            values.add(cell.getDouble(X));
            values.add(steps);
        }
        assertTrue(alive > CELLS / 3 && alive < CELLS, "some died, most lived: " + alive);
        assertTrue(organism.stats().alive() > alive, "daughters were spawned: " + organism.stats());
        organism.close();
        organism = null;
        return values;
    }

    @ParameterizedTest
    @EnumSource(CellStorage.class)
    void shouldMoveTheFlyweightWhereWrappingPointsIt(final CellStorage storage)
    {
        launch(storage, 1);
        organism.registerBehaviour("wanderer", new Wanderer(false));
        final Genotype genotype = organism.genotype("wanderer", LAYOUT, "wanderer");
        final long first = organism.spawn(genotype);
        final CellFlyweight moving = new CellFlyweight(24).storage(storage, 8);
        final CellFlyweight driver = organism.cell(first);
        moving.wrap(driver.buffer(), driver.offset(), driver.slot());
        for (int i = 1; i < 256; i++)
        {
            final CellFlyweight cell = organism.cell(organism.spawn(genotype));
            assertEquals(driver.buffer(), cell.buffer(), "one chunk");
            moving.moveTo(cell.offset(), cell.slot());
            assertEquals(cell.stateOffset(), moving.stateOffset(), "slot " + cell.slot());
            assertEquals(cell.slot(), moving.slot());
            moving.putDouble(X, i);
            assertEquals(i, cell.getDouble(X));
        }
    }

    @Test
    void shouldStepEveryCellOnceInItsOwnPlaceWhileOthersDieAndSpawnInTheSameWordOnAnyWorkersAndStorage()
    {
        final List<Object> row = churn(CellStorage.ROW, 1);
        for (final CellStorage storage : CellStorage.values())
        {
            for (int workers = 1; workers <= 3; workers++)
            {
                assertEquals(row, churn(storage, workers), storage + " on " + workers + " worker(s)");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CellStorage.class)
    void shouldNotCarryTheNextCellsStepToABufferAStepWrappedItsFlyweightOver(final CellStorage storage)
    {
        final Wanderer still = new Wanderer(false);
        final List<Double> stillValues = wander(storage, still);
        final Wanderer wanderer = new Wanderer(true);
        final List<Double> wanderingValues = wander(storage, wanderer);
        assertEquals(stillValues, wanderingValues, "every cell stepped in its own place, the wanderers too");
        assertEquals(0, still.wanders);
        assertEquals(TICKS * (CELLS / 4), wanderer.wanders, "every fourth cell wrapped its flyweight elsewhere");
        assertFalse(stillValues.contains(-1.0));
    }

    private List<Double> wander(final CellStorage storage, final Wanderer behaviour)
    {
        launch(storage, 1);
        organism.registerBehaviour("wanderer", behaviour);
        final Genotype genotype = organism.genotype("wanderer", LAYOUT, "wanderer");
        final long[] cells = new long[CELLS];
        for (int i = 0; i < CELLS; i++)
        {
            cells[i] = organism.spawn(genotype);
            organism.cell(cells[i]).putDouble(X, start(i));
        }
        organism.run(TICKS);
        final List<Double> values = new ArrayList<>();
        for (int i = 0; i < CELLS; i++)
        {
            final CellFlyweight cell = organism.cell(cells[i]);
            assertEquals(TICKS, cell.getLong(N), "cell " + i + " stepped once a tick");
            values.add(cell.getDouble(X));
        }
        organism.close();
        organism = null;
        return values;
    }
}
