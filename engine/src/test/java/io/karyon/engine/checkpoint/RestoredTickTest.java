package io.karyon.engine.checkpoint;

import io.karyon.engine.Behaviour;
import io.karyon.engine.CellContext;
import io.karyon.engine.Context;
import io.karyon.engine.Genotype;
import io.karyon.engine.KaryonException;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;
import io.karyon.engine.cell.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

/**
 * The tick a restored checkpoint leaves every worker at (the restore is a job on every worker, after which each worker
 * goes on from the checkpoint's tick: {@code TickAgent.runJob}), as a resumed run relies on it beyond what
 * {@link CheckpointTest} and {@code TickBarrierPathTest} check: a resumed run that writes a checkpoint again (another
 * job on every worker) goes on from where it is, not again from the tick it was restored at, and its own checkpoint
 * resumes as well; and the watchdog, which reads how many ticks each worker has finished, names the tick a cell is
 * stuck in after a restore, not a count from before it.
 * <p>
 * The stuck behaviour spins on a volatile flag that each test releases at its end, so the abandoned threads end.
 */
@Timeout(value = 120, threadMode = SEPARATE_THREAD)
class RestoredTickTest
{
    private static final long SEED = 7;
    private static final long RESTORED_AT = 11;
    private static final long CHECKPOINT_AGAIN_AT = 19;
    private static final long END_TICK = 30;
    private static final CellLayout STUCK_LAYOUT = CellLayout.builder().longField("stuckAt").longField("ticks")
        .build();
    private static final int STUCK_AT = STUCK_LAYOUT.offset("stuckAt");
    private static final int TICKS = STUCK_LAYOUT.offset("ticks");
    private static final long DEADLINE_NS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final int CELLS = 600;
    private static final int STUCK_CELL = 433;

    private static volatile boolean released;

    private final List<Organism> organisms = new ArrayList<>();

    @TempDir
    Path folder;

    /**
     * Counts its ticks in its own state; spins, until released, in the tick its {@code stuckAt} field names (1-based).
     */
    private static final Behaviour SPINNER = new Behaviour()
    {
        public void onTick(final CellFlyweight cell, final CellContext context)
        {
            final long ticks = cell.getLong(TICKS) + 1;
            cell.putLong(TICKS, ticks);
            while (ticks == cell.getLong(STUCK_AT) && !released)
            {
                Thread.onSpinWait();
            }
        }

        public void onMessage(final CellFlyweight cell, final CellContext context, final long sender, final int type,
            final long payload)
        {
        }
    };

    @AfterEach
    void release()
    {
        released = true;
        for (final Organism organism : organisms)
        {
            organism.close();
        }
    }

    private static CheckpointMeta meta(final String name)
    {
        return new CheckpointMeta(name, Map.of(), SEED, null);
    }

    /**
     * Writes a checkpoint of the run at {@code tick}, the driver's acts for that tick done (as {@link CheckpointTest}
     * does, so that the restored run goes on with {@code run(1)}).
     */
    private static void checkpoint(final EveryMechanism run, final long tick, final Path file) throws IOException
    {
        run.runTo(tick);
        run.beforeTick(tick);
        assertEquals(tick, Checkpoints.write(run.organism, file, meta("every-mechanism"), List.of()).tick());
    }

    @Test
    void shouldGoOnFromWhereItIsWhenAResumedRunCheckpointsAgain() throws IOException
    {
        for (int workers = 1; workers <= 3; workers++)
        {
            final EveryMechanism.Outcome expected;
            final EveryMechanism unbroken = EveryMechanism.setUpSmall(workers, SEED);
            try (Organism ignored = unbroken.organism)
            {
                unbroken.runTo(END_TICK);
                expected = unbroken.outcome();
            }
            final Path first = folder.resolve("tick-" + RESTORED_AT + "-w" + workers + ".kcp");
            final EveryMechanism original = EveryMechanism.setUpSmall(workers, SEED);
            try (Organism ignored = original.organism)
            {
                checkpoint(original, RESTORED_AT, first);
            }

            final Path again = folder.resolve("tick-" + CHECKPOINT_AGAIN_AT + "-w" + workers + ".kcp");
            final EveryMechanism resumed = EveryMechanism.setUpSmall(workers, SEED);
            try (Organism organism = resumed.organism)
            {
                Checkpoints.restore(organism, first, List.of());
                assertEquals(RESTORED_AT, organism.ticks());
                organism.run(1);
                checkpoint(resumed, CHECKPOINT_AGAIN_AT, again);  // a job on every worker, long after the restore
                organism.run(1);
                resumed.runTo(END_TICK);
                assertEquals(END_TICK, organism.ticks());
                assertEquals(END_TICK - RESTORED_AT, organism.tickLatencies().getTotalCount(),
                    "each tick after the restore ran once, on " + workers + " workers");
                assertEquals(expected, resumed.outcome(), "resumed and checkpointed again on " + workers + " workers");
            }

            final EveryMechanism fromAgain = EveryMechanism.setUpSmall(workers, SEED);
            try (Organism organism = fromAgain.organism)
            {
                Checkpoints.restore(organism, again, List.of());
                assertEquals(CHECKPOINT_AGAIN_AT, organism.ticks());
                organism.run(1);
                fromAgain.runTo(END_TICK);
                assertEquals(END_TICK - CHECKPOINT_AGAIN_AT, organism.tickLatencies().getTotalCount());
                assertEquals(expected, fromAgain.outcome(), "the resumed run's checkpoint, on " + workers + " workers");
            }
        }
    }

    @Test
    void shouldNameTheRestoredTickWhenACellIsStuckInTheFirstTickAfterARestore() throws IOException
    {
        final Path file = folder.resolve("stuck.kcp");
        final long stuck;
        released = false;
        try (Organism organism = launch(2))
        {
            final Genotype genotype = organism.genotype("spinning", STUCK_LAYOUT, "spinner");
            final long[] handles = new long[CELLS];
            for (int i = 0; i < CELLS; i++)
            {
                handles[i] = organism.spawn(genotype);
            }
            stuck = handles[STUCK_CELL];
            organism.cell(stuck).putLong(STUCK_AT, RESTORED_AT + 1);  // its first tick after the checkpoint's
            organism.run(RESTORED_AT);
            Checkpoints.write(organism, file, meta("spinning"), List.of());
        }
        for (int workers = 1; workers <= 3; workers++)
        {
            released = false;
            final Organism organism = launch(workers);
            organisms.add(organism);
            organism.genotype("spinning", STUCK_LAYOUT, "spinner");
            Checkpoints.restore(organism, file, List.of());
            assertEquals(RESTORED_AT, organism.ticks());
            final KaryonException ex = assertThrows(KaryonException.class, () -> organism.run(5));
            final String line = ex.getMessage().replaceFirst("karyon-worker-\\d+", "karyon-worker-W");
            assertTrue(line.startsWith("watchdog: karyon-worker-W has not finished tick " + RESTORED_AT +
                " within 0.3 s: cell " + Handle.toString(stuck) + " is in onTick ("), workers + " workers: " + line);
            released = true;
        }
    }

    private static Organism launch(final int workers)
    {
        final Organism organism = Organism.launch(new Context()
            .workerCount(workers)
            .chunkShift(6)
            .idleStrategy("backoff")
            .pin(false)
            .seed(SEED)
            .watchdogNs(DEADLINE_NS)
            .warnings((warning) -> { }));
        organism.registerBehaviour("spinner", SPINNER);
        return organism;
    }
}
