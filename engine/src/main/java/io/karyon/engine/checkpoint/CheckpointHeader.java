package io.karyon.engine.checkpoint;

import java.util.List;

/**
 * The header and the table of sections of a checkpoint, as read and verified from a file (or as written).
 *
 * @param formatVersion the version of the {@code .kcp} layout.
 * @param engineVersion the version of the engine that wrote it.
 * @param meta          what the run layer recorded.
 * @param tick          the tick boundary the checkpoint was taken at (ticks completed).
 * @param cellCount     cells alive or restarting at that tick.
 * @param workerCount   workers of the organism that wrote it.
 * @param sections      every section, in file order.
 */
public record CheckpointHeader(int formatVersion, String engineVersion, CheckpointMeta meta, long tick,
                               long cellCount, int workerCount, List<Section> sections)
{
    /**
     * One section of a checkpoint.
     *
     * @param name     the section's name.
     * @param offset   where its bytes start in the file.
     * @param length   how many bytes it has.
     * @param checksum the CRC32C of those bytes.
     */
    public record Section(String name, long offset, long length, long checksum)
    {
    }
}
