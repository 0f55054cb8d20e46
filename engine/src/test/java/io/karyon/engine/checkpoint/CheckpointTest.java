package io.karyon.engine.checkpoint;

import io.karyon.engine.Organism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run checkpointed at tick t and restored into a fresh organism, on the same or another number of workers, goes on
 * to tick T exactly as the unbroken run does: same digest, same stats, same signal stats and the same state the
 * driver can read, with every mechanism in flight at the boundary.
 */
class CheckpointTest
{
    private static final long SEED = 42;
    private static final long CHECKPOINT_TICK = 23;
    private static final long END_TICK = 50;

    @TempDir
    Path folder;

    private static CheckpointMeta meta()
    {
        return new CheckpointMeta("every-mechanism", Map.of("cells", "1500"), SEED, null);
    }

    private static EveryMechanism.Outcome unbroken(final int workers)
    {
        final EveryMechanism run = EveryMechanism.setUp(workers, SEED);
        try (Organism ignored = run.organism)
        {
            run.runTo(END_TICK);
            return run.outcome();
        }
    }

    private Path checkpoint(final int workers) throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUp(workers, SEED);
        try (Organism organism = run.organism)
        {
            run.runTo(CHECKPOINT_TICK);
            run.beforeTick(CHECKPOINT_TICK);
            final Path file = folder.resolve("tick-" + CHECKPOINT_TICK + "-w" + workers + ".kcp");
            final CheckpointHeader header = Checkpoints.write(organism, file, meta(), List.of());
            assertEquals(CHECKPOINT_TICK, header.tick());
            assertEquals(workers, header.workerCount());
            assertEquals(organism.stats().alive(), header.cellCount());
            assertTrue(organism.stats().pending() > 0, "messages in flight at the boundary");
            assertTrue(organism.signalStats().timersWaiting() > 0, "timers waiting at the boundary");
            assertTrue(organism.signalStats().monitors() > 0, "monitors and links at the boundary");
            return file;
        }
    }

    private static EveryMechanism.Outcome restored(final Path file, final int workers) throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUp(workers, SEED);
        try (Organism organism = run.organism)
        {
            final CheckpointHeader header = Checkpoints.restore(organism, file, List.of());
            assertEquals(CHECKPOINT_TICK, header.tick());
            assertEquals(CHECKPOINT_TICK, organism.ticks());
            run.organism.run(1);
            run.runTo(END_TICK);
            return run.outcome();
        }
    }

    @Test
    @Timeout(300)
    void shouldResumeBitIdenticallyOnAnyNumberOfWorkers() throws IOException
    {
        final EveryMechanism.Outcome[] expected = new EveryMechanism.Outcome[4];
        for (int workers = 1; workers <= 3; workers++)
        {
            expected[workers] = unbroken(workers);
        }
        final EveryMechanism.Outcome one = expected[1];
        assertTrue(one.stats().restarts() > 50, "restarts: " + one);
        assertTrue(one.stats().escalations() > 0, "escalations: " + one);
        assertTrue(one.stats().deadLetters() > 0, "dead letters: " + one);
        assertTrue(one.signals().broadcasts() > 0 && one.signals().downs() > 0 && one.signals().exits() > 0 &&
            one.signals().timersFired() > 0 && one.signals().timersCancelled() > 0 && one.signals().calls() > 0 &&
            one.signals().callTimeouts() > 0, "every signal mechanism: " + one);
        assertTrue(one.idleCount() > 0 && one.groupSize() > 0, "become and groups: " + one);
        for (int workers = 2; workers <= 3; workers++)
        {
            assertEquals(one.digest(), expected[workers].digest(), "the unbroken run on " + workers + " workers");
        }
        for (int written = 1; written <= 3; written++)
        {
            final Path file = checkpoint(written);
            for (int read = 1; read <= 3; read++)
            {
                final EveryMechanism.Outcome outcome = restored(file, read);
                if (written == read)
                {
                    assertEquals(expected[read], outcome, "written and read on " + read + " workers");
                }
                else
                {
                    // Messages between workers are counted as the workers of the time had them: before the
                    // checkpoint, the writer's.
                    assertEquals(expected[read].withoutCrossWorker(), outcome.withoutCrossWorker(),
                        "written on " + written + ", read on " + read + " workers");
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldCarryPartsAndRefuseMissingOrUnclaimedOnes() throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUp(2, SEED);
        final Path file = folder.resolve("parts.kcp");
        try (Organism organism = run.organism)
        {
            run.runTo(5);
            final CheckpointHeader header = Checkpoints.write(organism, file, meta(), List.of(new LongPart("a", 7)));
            assertEquals(List.of("engine", "cells 0", "cells 1", "a"),
                header.sections().stream().map(CheckpointHeader.Section::name).toList());
        }
        assertEquals(Checkpoints.inspect(file), Checkpoints.inspect(file));
        final CheckpointHeader inspected = Checkpoints.inspect(file);
        assertEquals(meta(), inspected.meta());
        assertEquals(5, inspected.tick());
        final LongPart part = new LongPart("a", 0);
        try (Organism organism = EveryMechanism.setUp(3, SEED).organism)
        {
            Checkpoints.restore(organism, file, List.of(part));
            assertEquals(7, part.value);
            assertEquals(5, organism.ticks());
        }
        try (Organism organism = EveryMechanism.setUp(1, SEED).organism)
        {
            final long digest = organism.digest();
            final CheckpointException unclaimed = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(organism, file, List.of()));
            assertEquals("parts.kcp: section \"a\" is claimed by no part", unclaimed.getMessage());
            final CheckpointException missing = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(organism, file, List.of(new LongPart("a", 0), new LongPart("b", 0))));
            assertEquals("parts.kcp: no section \"b\" for its part", missing.getMessage());
            assertEquals(digest, organism.digest(), "a refused file changes nothing");
            assertEquals(0, organism.ticks());
        }
    }

    @Test
    @Timeout(120)
    void shouldResumeWithTheCheckpointsNumberOfSupervisionHomes() throws IOException
    {
        // Taken with 4 homes (as checkpoints taken with the old default of 16 were), resumed by organisms set up with
        // 16 and 64: the run goes on dealt to 4 homes, as it began, and a checkpoint taken after keeps 4.
        final EveryMechanism.Outcome expected = unbroken(2);
        final Path file = checkpoint(2);
        for (final int homes : new int[] {16, 64})
        {
            assertNotEquals(expected.digest(), unbrokenWithHomes(homes), "the homes decide the run");
            final EveryMechanism run = EveryMechanism.setUp(2, SEED, homes);
            try (Organism organism = run.organism)
            {
                Checkpoints.restore(organism, file, List.of());
                final Path again = folder.resolve("again-" + homes + ".kcp");
                Checkpoints.write(organism, again, meta(), List.of());
                try (Organism four = EveryMechanism.setUp(2, SEED).organism)
                {
                    Checkpoints.restore(four, again, List.of());
                    assertEquals(organism.digest(), four.digest());
                }
                run.organism.run(1);
                run.runTo(END_TICK);
                // The digest and counters only: the test's supervisors were dealt to the organism's homes at set-up.
                assertEquals(expected.digest(), organism.digest(), "resumed by an organism set up with " + homes);
                assertEquals(expected.stats(), organism.stats(), "resumed by an organism set up with " + homes);
            }
        }
    }

    private static long unbrokenWithHomes(final int homes)
    {
        final EveryMechanism run = EveryMechanism.setUp(2, SEED, homes);
        try (Organism ignored = run.organism)
        {
            run.runTo(END_TICK);
            return run.outcome().digest();
        }
    }

    @Test
    @Timeout(60)
    void shouldRefuseAnOrganismThatDoesNotMatch() throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUp(2, SEED);
        final Path file = folder.resolve("tick-5.kcp");
        try (Organism organism = run.organism)
        {
            run.runTo(5);
            Checkpoints.write(organism, file, meta(), List.of());
        }
        try (Organism other = EveryMechanism.setUp(2, SEED + 1).organism)
        {
            final long digest = other.digest();
            final CheckpointException ex = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(other, file, List.of()));
            assertEquals("tick-5.kcp: section \"engine\": seed 42, this organism's is 43", ex.getMessage());
            assertEquals(digest, other.digest());
        }
        try (Organism other = Organism.launch(new io.karyon.engine.Context().workerCount(1)
            .threadingMode(io.karyon.scheduler.ThreadingMode.INVOKER).chunkShift(6).seed(SEED).restartBudget(3)
            .supervisionHomes(4)))
        {
            other.registerBehaviour("busy", TestBehaviours.NOTHING);
            other.registerBehaviour("sleepy", TestBehaviours.NOTHING);
            final CheckpointException ex = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(other, file, List.of()));
            assertEquals("tick-5.kcp: section \"engine\": behaviour 1 is 'idle', this organism's is 'sleepy'",
                ex.getMessage());
        }
        try (Organism other = Organism.launch(new io.karyon.engine.Context().workerCount(1)
            .threadingMode(io.karyon.scheduler.ThreadingMode.INVOKER).chunkShift(6).seed(SEED).restartBudget(3)
            .supervisionHomes(4)))
        {
            other.registerBehaviour("busy", TestBehaviours.NOTHING);
            other.registerBehaviour("idle", TestBehaviours.NOTHING);
            other.genotype("busy", io.karyon.engine.cell.CellLayout.builder().longField("peer").build(), "busy");
            other.genotype("resting", EveryMechanism.LAYOUT, "idle");
            final CheckpointException ex = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(other, file, List.of()));
            assertTrue(ex.getMessage().startsWith("tick-5.kcp: section \"engine\": genotype 0 is 'busy'"),
                ex.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void shouldLeaveTheLastCheckpointIntactWhenAWriterIsKilled() throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUp(2, SEED);
        final Path file = folder.resolve("tick-5.kcp");
        try (Organism organism = run.organism)
        {
            run.runTo(5);
            Checkpoints.write(organism, file, meta(), List.of());
            final byte[] good = Files.readAllBytes(file);
            // What a writer killed halfway leaves: a partial temporary file beside the good checkpoint.
            final Path temp = folder.resolve(".tick-5.kcp.tmp");
            Files.write(temp, java.util.Arrays.copyOf(good, good.length / 3));
            assertEquals(5, Checkpoints.inspect(file).tick());
            try (Organism fresh = EveryMechanism.setUp(1, SEED).organism)
            {
                Checkpoints.restore(fresh, file, List.of());
                assertEquals(organism.digest(), fresh.digest());
            }
            run.runTo(8);
            Checkpoints.write(organism, file, meta(), List.of());
            assertEquals(8, Checkpoints.inspect(file).tick());
            assertTrue(Files.notExists(temp), "the next write replaces the leftover");
            assertNotEquals(good.length, 0);
        }
        try (var files = Files.list(folder))
        {
            assertEquals(List.of(file), files.toList());
        }
    }

    /**
     * A part holding one long.
     */
    private static final class LongPart implements CheckpointPart
    {
        private final String name;
        private long value;

        LongPart(final String name, final long value)
        {
            this.name = name;
            this.value = value;
        }

        public String name()
        {
            return name;
        }

        public void write(final DataOutput out) throws IOException
        {
            out.writeLong(value);
        }

        public void read(final DataInput in) throws IOException
        {
            value = in.readLong();
        }
    }
}
