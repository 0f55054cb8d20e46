package io.karyon.engine.checkpoint;

import io.karyon.engine.Organism;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes, inspects and restores {@code .kcp} checkpoints of an {@link Organism}.
 * <p>
 * <b>Note:</b> call from the organism's driver thread, in tick mode, between ticks.
 */
public final class Checkpoints
{
    private Checkpoints()
    {
    }

    /**
     * Writes the organism and the parts at the current tick boundary to a file: a temporary file in the same folder,
     * synced, atomically renamed over {@code file}, then the folder synced. The workers write their own sections in
     * parallel.
     *
     * @param organism in tick mode, between ticks.
     * @param file     to write.
     * @param meta     what the run layer records in the header.
     * @param parts    sections beyond the engine's own, each with a unique name.
     * @return the header written.
     * @throws IOException if the file cannot be written.
     */
    public static CheckpointHeader write(
        final Organism organism, final Path file, final CheckpointMeta meta, final List<CheckpointPart> parts)
        throws IOException
    {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Reads the header and verifies every section's checksum; nothing else.
     *
     * @param file to read.
     * @return the header.
     * @throws CheckpointException if the file is unreadable, truncated, of another format or a checksum fails.
     */
    public static CheckpointHeader inspect(final Path file) throws CheckpointException
    {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Replaces the state of a freshly set-up organism with the checkpoint's, then reads each part by name. The
     * organism must have the same genotypes and behaviours registered under the same names (any worker count); any
     * cells it already holds are discarded. Every checksum is verified before anything changes, so a refused file
     * leaves the organism untouched. A part missing from the file, or a section no part claims, is refused.
     *
     * @param organism freshly set up, in tick mode, between ticks.
     * @param file     to read.
     * @param parts    the sections beyond the engine's own, claimed by name.
     * @return the header.
     * @throws CheckpointException if the file is refused.
     * @throws IOException         if reading a part fails.
     */
    public static CheckpointHeader restore(final Organism organism, final Path file, final List<CheckpointPart> parts)
        throws IOException
    {
        throw new UnsupportedOperationException("not yet");
    }
}
