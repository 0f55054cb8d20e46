package io.karyon.model;

import io.karyon.engine.checkpoint.CheckpointException;
import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointPart;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint part "run": the run's settings, which a resumed run needs before its set-up (the cells) or to carry
 * on as the unbroken run would (ticks, observation cadences, checkpoints), and, for a fork's run, the checkpoint it
 * forked from and the parameters it changed (its summary records them).
 * <p>
 * <b>Note:</b> not threadsafe; between ticks, on the driver.
 */
final class RunState implements CheckpointPart
{
    private static final int VERSION = 1;
    /** More than any run section holds: a corrupt length is refused before it is read. */
    private static final long MAX_LENGTH = 1 << 20;

    long cells;
    long maxTicks;
    int every;
    int snapshotEvery;
    long checkpointEvery;
    int keepCheckpoints;
    String parent;
    Map<String, String> changes = new LinkedHashMap<>();

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return Checkpointing.RUN;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final DataOutput out) throws IOException
    {
        out.writeInt(VERSION);
        out.writeLong(cells);
        out.writeLong(maxTicks);
        out.writeInt(every);
        out.writeInt(snapshotEvery);
        out.writeLong(checkpointEvery);
        out.writeInt(keepCheckpoints);
        out.writeUTF(null == parent ? "" : parent);
        out.writeInt(changes.size());
        for (final Map.Entry<String, String> e : changes.entrySet())
        {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
    }

    /**
     * {@inheritDoc}
     */
    public void read(final DataInput in) throws IOException
    {
        final int version = in.readInt();
        if (VERSION != version)
        {
            throw new IOException("run section version " + version + ", this karyon reads " + VERSION);
        }
        cells = in.readLong();
        maxTicks = in.readLong();
        every = in.readInt();
        snapshotEvery = in.readInt();
        checkpointEvery = in.readLong();
        keepCheckpoints = in.readInt();
        final String parentText = in.readUTF();
        parent = parentText.isEmpty() ? null : parentText;
        final int count = in.readInt();
        if (count < 0 || count > 10_000)
        {
            throw new IOException("run section: " + count + " parameter changes");
        }
        final Map<String, String> read = new LinkedHashMap<>();
        for (int i = 0; i < count; i++)
        {
            read.put(in.readUTF(), in.readUTF());
        }
        changes = read;
        if (cells < 1 || maxTicks < 1 || every < 1 || snapshotEvery < 0 || checkpointEvery < 0 || keepCheckpoints < 1)
        {
            throw new IOException("run section: settings out of range: cells=" + cells + ", ticks=" + maxTicks +
                ", every=" + every + ", snapshot every=" + snapshotEvery + ", checkpoint every=" + checkpointEvery +
                ", keep=" + keepCheckpoints);
        }
    }

    /**
     * The changes, unmodifiable.
     */
    Map<String, String> changes()
    {
        return Collections.unmodifiableMap(changes);
    }

    /**
     * Reads the run section of a checkpoint whose header {@code Checkpoints.inspect} has read and verified (every
     * checksum), straight from its place in the file: a resumed run needs it before its set-up.
     *
     * @param file   the checkpoint.
     * @param header as inspected.
     * @return the run's settings.
     * @throws CheckpointException one line naming the file, if the section is missing or unreadable.
     */
    static RunState load(final Path file, final CheckpointHeader header) throws CheckpointException
    {
        final String name = String.valueOf(file.getFileName());
        CheckpointHeader.Section section = null;
        for (final CheckpointHeader.Section s : header.sections())
        {
            if (Checkpointing.RUN.equals(s.name()))
            {
                section = s;
            }
        }
        if (null == section)
        {
            throw new CheckpointException(name + ": no section \"run\" (not written by karyon run)");
        }
        if (section.length() < 0 || section.length() > MAX_LENGTH || section.offset() < 0)
        {
            throw new CheckpointException(name + ": section \"run\" is " + section.length() + " bytes at " +
                section.offset());
        }
        final ByteBuffer bytes = ByteBuffer.allocate((int)section.length());
        final RunState state = new RunState();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes, section.offset() + bytes.position()) < 0)
                {
                    throw new CheckpointException(name + ": truncated in section \"run\"");
                }
            }
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.array()));
            state.read(in);
            if (in.available() > 0)
            {
                throw new IOException(in.available() + " bytes more than the settings");
            }
        }
        catch (final CheckpointException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new CheckpointException(name + ": section \"run\": " + Runner.oneLine(ex), ex);
        }
        return state;
    }
}
