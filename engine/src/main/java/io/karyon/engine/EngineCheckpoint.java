package io.karyon.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The engine's side of a checkpoint: an organism's whole state as named sections (one for the driver, one per worker,
 * written by the workers in parallel), and its restore from them. {@code io.karyon.engine.checkpoint.Checkpoints}
 * frames these sections in a {@code .kcp} file with checksums and is what a caller uses; this class only turns an
 * organism into sections and back.
 * <p>
 * <b>Note:</b> not threadsafe; call it from the organism's driver, in tick mode, between ticks.
 */
public final class EngineCheckpoint
{
    private EngineCheckpoint()
    {
    }

    /**
     * One section of the engine's state.
     *
     * @param name  the section's name.
     * @param bytes its bytes, from position 0 to the limit.
     * @param crc   the CRC32C of those bytes.
     */
    public record Section(String name, ByteBuffer bytes, int crc)
    {
    }

    /**
     * The sections captured from an organism; their memory is freed by {@link #close()}.
     */
    public static final class Capture implements AutoCloseable
    {
        private final Workforce workforce;
        private final SectionOutput[] outputs;
        private final List<Section> sections;
        private final long tick;
        private final long cellCount;
        private final int workerCount;

        private Capture(final Workforce workforce, final SectionOutput[] outputs, final List<Section> sections,
            final long tick, final long cellCount, final int workerCount)
        {
            this.workforce = workforce;
            this.outputs = outputs;
            this.sections = sections;
            this.tick = tick;
            this.cellCount = cellCount;
            this.workerCount = workerCount;
        }

        /**
         * The sections: {@code engine} first, then one per worker.
         *
         * @return the sections, valid until {@link #close()}.
         */
        public List<Section> sections()
        {
            return sections;
        }

        /**
         * The tick boundary captured: ticks completed.
         *
         * @return the tick.
         */
        public long tick()
        {
            return tick;
        }

        /**
         * Live cells at that tick.
         *
         * @return the cell count.
         */
        public long cellCount()
        {
            return cellCount;
        }

        /**
         * Workers of the organism captured.
         *
         * @return the worker count.
         */
        public int workerCount()
        {
            return workerCount;
        }

        /**
         * Frees the sections' memory.
         */
        public void close()
        {
            workforce.standInJobs(false);
            for (final SectionOutput output : outputs)
            {
                output.close();
            }
        }
    }

    /**
     * Whether a section name is one the engine writes, which no other part of a checkpoint may take.
     *
     * @param name of a section.
     * @return true for {@code engine} and {@code cells <worker>}.
     */
    public static boolean isEngineSection(final String name)
    {
        return StateCapture.ENGINE.equals(name) || name.startsWith(StateCapture.CELLS);
    }

    /**
     * Captures an organism's state at the current tick boundary, each worker its own families in parallel.
     *
     * @param organism in tick mode, between ticks, usable.
     * @return the sections; close it once they are written.
     * @throws IllegalStateException if the organism is free-running, running, failed or closed.
     */
    public static Capture capture(final Organism organism)
    {
        organism.life.ensureUsable();
        if (organism.context.freeRunning())
        {
            throw new IllegalStateException("a free-running organism has no tick boundary to checkpoint at");
        }
        final StateCapture capture = new StateCapture(organism);
        final int[] crcs = new int[capture.workerCount() + 1];
        // In a sharded run the exchange captures (and, until close, writes) the stand-ins' sections too.
        organism.workforce.standInJobs(true);
        final SectionOutput[] outputs;
        try
        {
            outputs = capture.capture(crcs);
        }
        catch (final RuntimeException | Error ex)
        {
            organism.workforce.standInJobs(false);
            throw ex;
        }
        final List<Section> sections = new ArrayList<>(outputs.length);
        sections.add(new Section(StateCapture.ENGINE, outputs[0].bytes(), crcs[0]));
        for (int w = 1; w < outputs.length; w++)
        {
            sections.add(new Section(StateCapture.CELLS + (w - 1), outputs[w].bytes(), crcs[w]));
        }
        long cells = 0;
        for (final Slice slice : organism.workforce.slices())
        {
            cells += slice.liveCells();
        }
        return new Capture(organism.workforce, outputs, Collections.unmodifiableList(sections), capture.tick(), cells,
            capture.workerCount());
    }

    /**
     * Replaces a freshly set-up organism's state with the one in the sections (checksums already verified), on any
     * number of workers. The engine section is read and checked against the organism first: a refusal changes
     * nothing.
     *
     * @param organism set up with the same behaviours, genotypes and settings, in tick mode, between ticks.
     * @param sections the engine's sections by name (others are ignored).
     * @return the tick restored: ticks completed.
     * @throws IllegalArgumentException naming the first section, and what in it, that does not fit the organism.
     * @throws IllegalStateException    if the organism is free-running, running, failed or closed, or its arena is in
     *                                  a file.
     */
    public static long restore(final Organism organism, final Map<String, ByteBuffer> sections)
    {
        organism.life.ensureUsable();
        if (null != organism.arena.file())
        {
            throw new IllegalStateException("restore needs an organism whose arena is in memory, not in a file");
        }
        final StateRestore restore = new StateRestore(organism, sections);
        restore.apply();
        return restore.tick();
    }
}
