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
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tick sweep ({@link TickSweep}): the flyweight, wrapped once per bitmap word and re-pointed per cell by
 * {@link CellFlyweight#moveTo}, lands on each cell's own state in either storage; cells that die or spawn in the middle
 * of a word leave the cells after them stepped exactly once per tick in their own place, with the same digest on 1, 2
 * and 3 workers and in either storage; and a step that wraps its flyweight over another buffer does not carry the
 * next cell's step there. Words whose cells have several behaviours, some checked for integrity, some becoming
 * another behaviour, are stepped each cell with its own behaviour, as a scalar replay of every cell says, in either
 * storage and on 1, 2 and 3 workers (the sweep steps a run of cells of one behaviour without reading each id).
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
    static final CellLayout MIXED = CellLayout.builder().doubleField("x").longField("n").longField("path")
        .longField("switchAt").build();
    static final int PATH = MIXED.offset("path");
    static final int SWITCH_AT = MIXED.offset("switchAt");
    static final int LOGISTIC = 1;
    static final int HALVING = 2;
    static final int CHECKED = 3;
    static final long CORRUPT_AT = 7;

    /**
     * One of three maps, by kind; records each step's kind in the cell's path. A logistic cell becomes a halving one
     * after its {@code switchAt}-th step (0: never); a checked cell whose slot is a multiple of 5 is found corrupt
     * before its {@link #CORRUPT_AT}+1-th step.
     */
    static final class Mapper implements Behaviour
    {
        final int kind;
        final boolean ticks;
        short halving;

        Mapper(final int kind, final boolean ticks)
        {
            this.kind = kind;
            this.ticks = ticks;
        }

        public boolean hasTick()
        {
            return ticks;
        }

        static double map(final int kind, final double x)
        {
            return LOGISTIC == kind ? 3.9 * x * (1.0 - x) : HALVING == kind ? 0.5 * x + 0.25 : 1.0 - x * x;
        }

        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            cell.putDouble(X, map(kind, cell.getDouble(X)));
            final long n = cell.getLong(N) + 1;
            cell.putLong(N, n);
            cell.putLong(PATH, cell.getLong(PATH) * 4 + kind);
            if (LOGISTIC == kind && n == cell.getLong(SWITCH_AT))
            {
                context.become(halving);
            }
        }

        public void onMessage(
            final CellFlyweight cell, final CellContext context, final long sender, final int type, final long payload)
        {
        }

        public boolean checksIntegrity()
        {
            return CHECKED == kind;
        }

        public boolean isIntact(final CellFlyweight cell)
        {
            return !(-1 == cell.getLong(SWITCH_AT) && CORRUPT_AT == cell.getLong(N));
        }
    }

    /**
     * Spawns runs of cells of the three kinds, runs of 1 to 3 cells and of up to 140 (words of one kind, and words
     * of several), steps them, and checks each against a scalar replay of its kinds.
     *
     * @param sole only the logistic kind ticks (the others are never stepped; a logistic cell that becomes a halving
     *             one stops): the sweep then reads no ids in columnar storage.
     * @return the digest, then per cell whether it lives, its x, steps and path.
     */
    private List<Object> mixed(final CellStorage storage, final int workers, final boolean sole)
    {
        organism = Organism.launch(new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER)
            .chunkShift(8).stateLength(32).cellStorage(storage).seed(11));
        final Mapper[] mappers = {null, new Mapper(LOGISTIC, true), new Mapper(HALVING, !sole),
            new Mapper(CHECKED, !sole)};
        final Genotype[] genotypes = new Genotype[mappers.length];
        for (int kind = LOGISTIC; kind <= CHECKED; kind++)
        {
            organism.registerBehaviour("kind" + kind, mappers[kind]);
            genotypes[kind] = organism.genotype("kind" + kind, MIXED, "kind" + kind);
        }
        mappers[LOGISTIC].halving = organism.behaviourId("kind" + HALVING);
        final Random random = new Random(5);
        final int cells = 3000;
        final int[] kinds = new int[cells];
        final long[] switchAt = new long[cells];
        final long[] handles = new long[cells];
        for (int i = 0; i < cells; )
        {
            final int kind = 1 + random.nextInt(3);
            final int run = 1 + random.nextInt(random.nextBoolean() ? 3 : 140);
            for (int r = 0; r < run && i < cells; r++, i++)
            {
                kinds[i] = kind;
                switchAt[i] = LOGISTIC == kind && 0 == random.nextInt(4) ? 1 + random.nextInt(TICKS) :
                    CHECKED == kind && 0 == i % 5 ? -1 : 0;
                handles[i] = organism.spawn(genotypes[kind]);
                organism.cell(handles[i]).putDouble(X, start(i)).putLong(SWITCH_AT, switchAt[i]);
            }
        }
        organism.run(TICKS);
        final List<Object> values = new ArrayList<>();
        values.add(organism.digest());
        for (int i = 0; i < cells; i++)
        {
            int kind = kinds[i];
            double x = start(i);
            long n = 0;
            long path = 0;
            boolean alive = true;
            for (int t = 0; t < TICKS && (!sole || LOGISTIC == kind); t++)
            {
                if (CHECKED == kind && -1 == switchAt[i] && CORRUPT_AT == n)
                {
                    alive = false;
                    break;
                }
                x = Mapper.map(kind, x);
                n++;
                path = path * 4 + kind;
                if (LOGISTIC == kind && n == switchAt[i])
                {
                    kind = HALVING;
                }
            }
            assertEquals(alive, organism.isAlive(handles[i]), "cell " + i + " lives as its replay does");
            values.add(alive);
            if (alive)
            {
                final CellFlyweight cell = organism.cell(handles[i]);
                assertEquals(n, cell.getLong(N), "cell " + i + "'s steps");
                assertEquals(path, cell.getLong(PATH), "cell " + i + "'s kinds, step by step");
                assertEquals(x, cell.getDouble(X), "cell " + i + "'s x");
                values.add(x);
                values.add(n);
                values.add(path);
            }
        }
        organism.close();
        organism = null;
        return values;
    }

    @Test
    void shouldStepEachCellWithItsOwnBehaviourInWordsOfSeveralOnAnyWorkersAndStorage()
    {
        final List<Object> row = mixed(CellStorage.ROW, 1, false);
        assertTrue(row.contains(Boolean.FALSE), "some checked cells were found corrupt");
        for (final CellStorage storage : CellStorage.values())
        {
            for (int workers = 1; workers <= 3; workers++)
            {
                assertEquals(row, mixed(storage, workers, false), storage + " on " + workers + " worker(s)");
            }
        }
    }

    @Test
    void shouldStepOnlyTheCellsOfTheOneBehaviourThatTicksAmongOthersInTheSameWords()
    {
        final List<Object> row = mixed(CellStorage.ROW, 1, true);
        for (final CellStorage storage : CellStorage.values())
        {
            for (int workers = 1; workers <= 3; workers++)
            {
                assertEquals(row, mixed(storage, workers, true), storage + " on " + workers + " worker(s)");
            }
        }
    }
}
