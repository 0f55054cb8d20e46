package io.karyon.engine;

import io.karyon.engine.cell.Arena;
import io.karyon.supervisor.RestartBudget;
import io.karyon.supervisor.RestartTable;

import java.util.Arrays;

/**
 * The home of supervision trees: one family of the arena whose cells the trees' supervisors watch, with the restart
 * table of those supervisors and the budget that paces their restarts.
 * <p>
 * An organism has a fixed number of homes whatever its number of workers; top-level supervisors are dealt to the homes
 * in turn, child supervisors and every supervised cell live in their tree's home, and restarts are paced per home.
 * Which slots children get, which row a supervisor has and in which tick a restart happens are therefore the same for
 * any number of workers, and so is a supervised run. The worker that owns the family owns the home: restarts and
 * escalations never cross workers.
 * <p>
 * <b>Note:</b> not threadsafe; owned by one worker. The driver touches it only while no tick runs.
 */
final class SupervisionHome implements AutoCloseable
{
    final int index;
    final int family;
    final int rootChunk;
    final RestartTable table;
    final RestartBudget budget;
    private int[] entryGenotype = new int[64];
    private int[] entryChunk = new int[64];

    SupervisionHome(final int index, final int family, final int familyShift, final int restartBudget)
    {
        this.index = index;
        this.family = family;
        this.rootChunk = family << Arena.FAMILY_SHIFT;
        this.table = new RestartTable(16, 256, 1024, family << familyShift);
        this.budget = new RestartBudget(restartBudget);
    }

    /**
     * Remembers what a child entry restarts from: its genotype, and the chunk to restart it beside.
     */
    void remember(final int entry, final int genotypeId, final int chunk)
    {
        if (entry >= entryGenotype.length)
        {
            final int length = Math.max(entryGenotype.length * 2, entry + 1);
            entryGenotype = Arrays.copyOf(entryGenotype, length);
            entryChunk = Arrays.copyOf(entryChunk, length);
        }
        entryGenotype[entry] = genotypeId;
        entryChunk[entry] = chunk;
    }

    int genotypeOf(final int entry)
    {
        return entryGenotype[entry];
    }

    int chunkOf(final int entry)
    {
        return entryChunk[entry];
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        table.close();
    }
}
