package io.karyon.shard;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The checkpoint part "shard" in every shard's part of a sharded run's checkpoint: which run (its id) and which shard
 * of how many wrote it, with the run's settings a resume needs; a part from another run, another shard or another
 * shard count is refused by comparing it with the manifest.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks.
 */
final class ShardPart implements CheckpointPart
{
    /** The section's name. */
    static final String NAME = "shard";

    private static final int VERSION = 1;
    private static final int MAX_LENGTH = 4096;

    String runId = "";
    int shard;
    int shards;
    int workers;
    long cells;
    long ticks;
    long every;
    int keep;

    ShardPart()
    {
    }

    ShardPart(final String runId, final int shard, final int shards, final int workers, final long cells,
        final long ticks, final long every, final int keep)
    {
        this.runId = runId;
        this.shard = shard;
        this.shards = shards;
        this.workers = workers;
        this.cells = cells;
        this.ticks = ticks;
        this.every = every;
        this.keep = keep;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final DataOutput out) throws IOException
    {
        out.writeInt(VERSION);
        out.writeUTF(runId);
        out.writeInt(shard);
        out.writeInt(shards);
        out.writeInt(workers);
        out.writeLong(cells);
        out.writeLong(ticks);
        out.writeLong(every);
        out.writeInt(keep);
    }

    /**
     * {@inheritDoc} A part made with a run id (a shard's own, when it resumes) refuses a section of another run, shard,
     * shard count or worker count.
     */
    public void read(final DataInput in) throws IOException
    {
        final int version = in.readInt();
        if (VERSION != version)
        {
            throw new IOException("shard section version " + version + ", this karyon reads " + VERSION);
        }
        final String readRunId = in.readUTF();
        final int readShard = in.readInt();
        final int readShards = in.readInt();
        final int readWorkers = in.readInt();
        if (!runId.isEmpty() && (!runId.equals(readRunId) || shard != readShard || shards != readShards ||
            workers != readWorkers))
        {
            // A shard resuming its part: the part must be this shard's of this run (the manifest was checked first).
            throw new IOException("shard section: run " + readRunId + ", shard " + readShard + " of " + readShards +
                " of " + readWorkers + " workers; this is shard " + shard + " of " + shards + " of run " + runId +
                " of " + workers + " workers");
        }
        runId = readRunId;
        shard = readShard;
        shards = readShards;
        workers = readWorkers;
        cells = in.readLong();
        ticks = in.readLong();
        every = in.readLong();
        keep = in.readInt();
        if (shards < 2 || shards > AeronShardLink.MAX_SHARDS || shard < 0 || shard >= shards || workers < 1 ||
            cells < 1 || ticks < 1 || every < 0 || keep < 1)
        {
            throw new IOException("shard section: settings out of range: shard " + shard + " of " + shards +
                ", workers=" + workers + ", cells=" + cells + ", ticks=" + ticks + ", every=" + every + ", keep=" +
                keep);
        }
    }

    /**
     * One number for a part's sections: the CRC32C of every section's name and checksum, in file order. The manifest
     * records it, so a part swapped for another file (even a sound one of the same run) is refused.
     *
     * @param header as written or inspected.
     * @return the checksum.
     */
    static long sectionsChecksum(final CheckpointHeader header)
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer word = ByteBuffer.allocate(Long.BYTES);
        for (final CheckpointHeader.Section section : header.sections())
        {
            crc.update(section.name().getBytes(StandardCharsets.UTF_8));
            word.clear();
            word.putLong(section.checksum()).flip();
            crc.update(word);
        }
        return crc.getValue();
    }

    /**
     * Reads the shard section of a part whose header {@code Checkpoints.inspect} has read and verified.
     *
     * @param file   the part.
     * @param header as inspected.
     * @return the section.
     * @throws CheckpointException one line naming the file, if the section is missing or unreadable.
     */
    static ShardPart load(final Path file, final CheckpointHeader header) throws CheckpointException
    {
        final String name = String.valueOf(file.getFileName());
        CheckpointHeader.Section section = null;
        for (final CheckpointHeader.Section s : header.sections())
        {
            if (NAME.equals(s.name()))
            {
                section = s;
            }
        }
        if (null == section)
        {
            throw new CheckpointException(name + ": no section \"shard\" (not a part of a sharded run's checkpoint)");
        }
        if (section.length() < 0 || section.length() > MAX_LENGTH || section.offset() < 0)
        {
            throw new CheckpointException(name + ": section \"shard\" is " + section.length() + " bytes at " +
                section.offset());
        }
        final ByteBuffer bytes = ByteBuffer.allocate((int)section.length());
        final ShardPart part = new ShardPart();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes, section.offset() + bytes.position()) < 0)
                {
                    throw new CheckpointException(name + ": truncated in section \"shard\"");
                }
            }
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.array()));
            part.read(in);
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
            throw new CheckpointException(name + ": section \"shard\": " + ex.getMessage(), ex);
        }
        return part;
    }
}
