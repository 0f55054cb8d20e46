package io.karyon.engine;

/**
 * Work the driver hands every worker at once, between ticks, through {@link Organism#onWorkers(WorkerJob)}: each
 * worker runs it once, on its own thread, over what it owns (its families, in ascending order), while the others run
 * it over theirs. Bulk set-up ({@link Organism#populate}, {@link OrganismEdges#connect}) and surveys run this way.
 * <p>
 * <b>Note:</b> called from several threads at once: a job writes only what the calling worker owns (its cells, its
 * own slot of an array kept per worker) and keeps nothing shared but what it only reads.
 */
@FunctionalInterface
public interface WorkerJob
{
    /**
     * Runs the job on one worker.
     *
     * @param worker  index of the calling worker, 0 to {@code workers - 1}.
     * @param workers number of workers, {@link Organism#workerCount()}.
     */
    void run(int worker, int workers);
}
