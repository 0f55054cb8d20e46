package io.karyon.engine.checkpoint;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One named section beyond the engine's own, written and read as a byte stream and checksummed by the container.
 * <p>
 * <b>Note:</b> called on the driver thread, between ticks.
 */
public interface CheckpointPart
{
    /**
     * The section's name, unique among the parts of one checkpoint, e.g. {@code "matrix"} or {@code "run"}.
     *
     * @return the name.
     */
    String name();

    /**
     * Writes this part's state.
     *
     * @param out to write to.
     * @throws IOException if writing fails.
     */
    void write(DataOutput out) throws IOException;

    /**
     * Reads this part's state back; must consume exactly what {@link #write(DataOutput)} produced.
     *
     * @param in to read from.
     * @throws IOException if reading fails or the bytes are not what this part wrote.
     */
    void read(DataInput in) throws IOException;
}
