package io.karyon.supervisor;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A {@link RestartTable}'s whole state as a byte stream, for checkpoints: its rows, child entries, restart windows,
 * slot map, the reasons it counts as normal and its counters, each store with the capacity it had grown to, so that a
 * table read back decides, and grows, exactly as the one written would have.
 * <p>
 * <b>Note:</b> not threadsafe; call it from the table's owner, while it makes no decision.
 */
public final class RestartTableImage
{
    private static final int VERSION = 1;

    private RestartTableImage()
    {
    }

    /**
     * Writes a table's state.
     *
     * @param table to write.
     * @param out   to write to.
     * @throws IOException if writing fails.
     */
    public static void write(final RestartTable table, final DataOutput out) throws IOException
    {
        out.writeInt(VERSION);
        table.rows.write(out);
        table.entries.write(out);
        table.windows.write(out);
        table.slots.write(out);
        table.decider.write(out);
    }

    /**
     * Replaces a table's state with what {@link #write(RestartTable, DataOutput)} wrote, from a table of the same slot
     * base.
     *
     * @param table to replace the state of.
     * @param in    to read from.
     * @throws IOException if reading fails or the bytes are not a table's state of this version and slot base.
     */
    public static void read(final RestartTable table, final DataInput in) throws IOException
    {
        final int version = in.readInt();
        if (VERSION != version)
        {
            throw new IOException("restart table state version " + version + ", this reads " + VERSION);
        }
        table.rows.read(in);
        table.entries.read(in);
        table.windows.read(in);
        table.slots.read(in);
        table.decider.read(in);
    }
}
