package io.karyon.engine;

import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.checkpoint.CheckpointMeta;
import io.karyon.engine.checkpoint.Checkpoints;
import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartStrategy;
import io.karyon.supervisor.RestartType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cells that re-find restarted children, by lookup ({@link CellContext#child(long)}) or by a monitor that follows
 * ({@link CellContext#monitorChild(long)}), give the same run on 1, 2 and 3 workers, send far fewer dead letters than
 * cells that keep a dead handle, and resume from a checkpoint taken while restarts and their notices are pending as
 * the unbroken run goes on.
 */
class RefindDeterminismTest
{
    private static final CellLayout LAYOUT = CellLayout.builder()
        .longField("target").longField("handle").longField("sum").longField("mode").longField("armed").build();
    private static final int TARGET = LAYOUT.offset("target");
    private static final int HANDLE = LAYOUT.offset("handle");
    private static final int SUM = LAYOUT.offset("sum");
    private static final int MODE = LAYOUT.offset("mode");
    private static final int ARMED = LAYOUT.offset("armed");
    private static final int NAIVE = 0;
    private static final int LOOKUP = 1;
    private static final int FOLLOW = 2;
    private static final long SEED = 17;
    private static final int SUPERVISORS = 6;
    private static final int CHILDREN = 25;
    private static final int FINDERS = 150;

    @TempDir
    Path folder;

    /**
     * A supervised child: throws now and then (restarted), adds what it receives.
     */
    private static final class Worker implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            if (0 == (context.nextLong() & 31))
            {
                throw new IllegalStateException("worker");
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            cell.putLong(SUM, cell.getLong(SUM) * 31 + payload + type);
        }
    }

    /**
     * Sends to a child every tick; re-finds it by lookup or by a following monitor, or never (naive).
     */
    private static final class Finder implements Behaviour
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long mode = cell.getLong(MODE);
            if (LOOKUP == mode)
            {
                final long answer = context.child(cell.getLong(TARGET));
                mix(cell, answer);
                cell.putLong(HANDLE, Math.max(answer, 0));
            }
            else if (FOLLOW == mode && 0 == cell.getLong(ARMED))
            {
                mix(cell, context.monitorChild(cell.getLong(HANDLE)));
                cell.putLong(ARMED, 1);
            }
            if (cell.getLong(HANDLE) > 0)
            {
                context.send(cell.getLong(HANDLE), 1, context.tick());
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
            mix(cell, sender * 7 + type * 3 + payload);
            if (Signals.RESTARTED == type)
            {
                cell.putLong(HANDLE, sender);
            }
            else if (Signals.DOWN == type)
            {
                cell.putLong(HANDLE, 0);
            }
        }

        private static void mix(final CellFlyweight cell, final long value)
        {
            cell.putLong(SUM, cell.getLong(SUM) * 1_000_003 + value);
        }
    }

    private record Outcome(long digest, long deadLetters, long delivered, long restarts, long downs)
    {
    }

    private static Organism setUp(final int workers, final int mode)
    {
        final Organism organism = Organism.launch(new Context().workerCount(workers)
            .threadingMode(ThreadingMode.INVOKER).chunkShift(8).seed(SEED).restartBudget(1));
        organism.registerBehaviour("worker", new Worker());
        organism.registerBehaviour("finder", new Finder());
        final Genotype worker = organism.genotype("worker", LAYOUT, "worker");
        final Genotype finder = organism.genotype("finder", LAYOUT, "finder");
        final long[] ids = new long[SUPERVISORS * CHILDREN];
        final long[] handles = new long[ids.length];
        for (int s = 0; s < SUPERVISORS; s++)
        {
            final Supervisor supervisor = organism.supervisor(RestartStrategy.ONE_FOR_ONE, 1_000_000, 10);
            for (int c = 0; c < CHILDREN; c++)
            {
                final int i = s * CHILDREN + c;
                handles[i] = organism.spawn(worker, supervisor, RestartType.PERMANENT);
                ids[i] = supervisor.childId(handles[i]);
            }
        }
        for (int f = 0; f < FINDERS; f++)
        {
            final long cell = organism.spawn(finder);
            final int target = (f * 37) % ids.length;
            organism.cell(cell).putLong(TARGET, ids[target]).putLong(HANDLE, handles[target])
                .putLong(MODE, mode < 0 ? f % 3 : mode);
        }
        return organism;
    }

    private static Outcome outcome(final Organism organism)
    {
        final Stats stats = organism.stats();
        return new Outcome(organism.digest(), stats.deadLetters(), stats.delivered(), stats.restarts(),
            organism.signalStats().downs());
    }

    private static Outcome run(final int workers, final int mode, final long ticks)
    {
        try (Organism organism = setUp(workers, mode))
        {
            organism.run(ticks);
            return outcome(organism);
        }
    }

    @Test
    @Timeout(60)
    void shouldRefindRestartedChildrenTheSameWayOnAnyNumberOfWorkers()
    {
        final Outcome expected = run(1, -1, 80);
        assertTrue(expected.restarts() > 100, "restarts: " + expected);
        for (final int workers : new int[]{ 2, 3 })
        {
            assertEquals(expected, run(workers, -1, 80), workers + " workers");
        }
        final Outcome naive = run(2, NAIVE, 80);
        final Outcome lookup = run(2, LOOKUP, 80);
        final Outcome follow = run(2, FOLLOW, 80);
        assertTrue(lookup.deadLetters() * 5 < naive.deadLetters(), "lookup " + lookup + " naive " + naive);
        assertTrue(follow.deadLetters() * 5 < naive.deadLetters(), "follow " + follow + " naive " + naive);
        assertTrue(lookup.delivered() > naive.delivered() * 2, "lookup " + lookup + " naive " + naive);
        assertTrue(follow.delivered() > naive.delivered() * 2, "follow " + follow + " naive " + naive);
        assertEquals(follow, run(3, FOLLOW, 80), "monitors told new handles across workers");
    }

    @Test
    @Timeout(60)
    void shouldResumeBetweenARestartAndItsNoticeAsTheUnbrokenRunGoesOn() throws IOException
    {
        final long at = 33;
        final long end = 70;
        final Outcome unbroken = run(2, -1, end);
        final Path file = folder.resolve("refind.kcp");
        try (Organism organism = setUp(2, -1))
        {
            organism.run(at);
            assertTrue(organism.stats().pendingRestarts() > 0, "restarts carried over at the checkpoint");
            Checkpoints.write(organism, file, new CheckpointMeta("refind", Map.of(), SEED, null), List.of());
        }
        for (final int workers : new int[]{ 1, 2, 3 })
        {
            try (Organism organism = setUp(workers, -1))
            {
                Checkpoints.restore(organism, file, List.of());
                organism.run(end - at);
                assertEquals(unbroken, outcome(organism), "resumed on " + workers + " workers");
            }
        }
        assertNotEquals(unbroken, run(2, -1, end + 1), "one tick more differs");
    }
}
