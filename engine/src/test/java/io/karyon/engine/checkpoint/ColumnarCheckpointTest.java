package io.karyon.engine.checkpoint;

import io.karyon.engine.Configuration;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints of an organism in columnar storage: every mechanism's run, checkpointed at tick t and restored on 1, 2
 * or 3 workers, goes on exactly as the unbroken run (whose digest is also the row-storage run's); a checkpoint of one
 * storage is refused by an organism of the other, in one line. The organisms take their storage from
 * {@link Configuration#CELL_STORAGE_PROP_NAME}, set here around each organism's set-up.
 */
class ColumnarCheckpointTest
{
    private static final long SEED = 42;
    private static final long CHECKPOINT_TICK = 17;
    private static final long END_TICK = 40;

    @TempDir
    Path folder;

    private String before;

    @BeforeEach
    void saveProperty()
    {
        before = System.getProperty(Configuration.CELL_STORAGE_PROP_NAME);
    }

    @AfterEach
    void restoreProperty()
    {
        if (null == before)
        {
            System.clearProperty(Configuration.CELL_STORAGE_PROP_NAME);
        }
        else
        {
            System.setProperty(Configuration.CELL_STORAGE_PROP_NAME, before);
        }
    }

    private static EveryMechanism setUp(final CellStorage storage, final int workers)
    {
        System.setProperty(Configuration.CELL_STORAGE_PROP_NAME, storage.name().toLowerCase(Locale.ROOT));
        final EveryMechanism run = EveryMechanism.setUp(workers, SEED);
        assertEquals(storage, run.organism.context().cellStorage());
        return run;
    }

    private static EveryMechanism.Outcome unbroken(final CellStorage storage, final int workers)
    {
        final EveryMechanism run = setUp(storage, workers);
        try (Organism ignored = run.organism)
        {
            run.runTo(END_TICK);
            return run.outcome();
        }
    }

    private Path checkpoint(final CellStorage storage, final int workers) throws IOException
    {
        final EveryMechanism run = setUp(storage, workers);
        try (Organism organism = run.organism)
        {
            run.runTo(CHECKPOINT_TICK);
            run.beforeTick(CHECKPOINT_TICK);
            final Path file = folder.resolve(storage + "-w" + workers + ".kcp");
            Checkpoints.write(organism, file, new CheckpointMeta("every-mechanism", Map.of(), SEED, null), List.of());
            return file;
        }
    }

    private static EveryMechanism.Outcome restored(final Path file, final int workers) throws IOException
    {
        final EveryMechanism run = setUp(CellStorage.COLUMNAR, workers);
        try (Organism organism = run.organism)
        {
            assertEquals(CHECKPOINT_TICK, Checkpoints.restore(organism, file, List.of()).tick());
            run.organism.run(1);
            run.runTo(END_TICK);
            return run.outcome();
        }
    }

    @Test
    @Timeout(300)
    void shouldResumeAColumnarRunBitIdenticallyOnAnyNumberOfWorkers() throws IOException
    {
        final EveryMechanism.Outcome row = unbroken(CellStorage.ROW, 1);
        final EveryMechanism.Outcome[] expected = new EveryMechanism.Outcome[4];
        for (int workers = 1; workers <= 3; workers++)
        {
            expected[workers] = unbroken(CellStorage.COLUMNAR, workers);
            assertEquals(row.digest(), expected[workers].digest(), "columnar on " + workers + " worker(s) vs row");
        }
        assertEquals(row, expected[1], "the same run, whatever the storage");
        assertTrue(row.stats().restarts() > 10 && row.signals().timersFired() > 0, row.toString());
        for (int written = 1; written <= 3; written++)
        {
            final Path file = checkpoint(CellStorage.COLUMNAR, written);
            for (int read = 1; read <= 3; read++)
            {
                final EveryMechanism.Outcome outcome = restored(file, read);
                if (written == read)
                {
                    assertEquals(expected[read], outcome, "written and read on " + read + " workers");
                }
                else
                {
                    assertEquals(expected[read].withoutCrossWorker(), outcome.withoutCrossWorker(),
                        "written on " + written + ", read on " + read + " workers");
                }
            }
        }
    }

    @Test
    void shouldRefuseACheckpointOfTheOtherStorage() throws IOException
    {
        final Path row = checkpoint(CellStorage.ROW, 2);
        final CheckpointException fromRow = assertThrows(CheckpointException.class, () -> restored(row, 2));
        assertTrue(fromRow.getMessage().contains("cell storage ROW, this organism's is COLUMNAR"),
            fromRow.getMessage());

        final Path columnar = checkpoint(CellStorage.COLUMNAR, 2);
        final EveryMechanism run = setUp(CellStorage.ROW, 2);
        try (Organism organism = run.organism)
        {
            final CheckpointException fromColumnar = assertThrows(CheckpointException.class,
                () -> Checkpoints.restore(organism, columnar, List.of()));
            assertTrue(fromColumnar.getMessage().contains("cell storage COLUMNAR, this organism's is ROW"),
                fromColumnar.getMessage());
        }
    }
}
