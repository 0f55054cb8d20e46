package io.karyon.engine.internal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static io.karyon.engine.cell.CellDescriptor.checkStateLength;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_MAGIC;
import static io.karyon.engine.internal.ArenaDescriptor.CHUNK_MAGIC_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_CHUNK_ALIGNMENT;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_CHUNK_SHIFT_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_FAMILY_COUNT_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_FIELDS_LENGTH;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_HEADER_LENGTH;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_MAGIC;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_MAGIC_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_STATE_LENGTH_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_VERSION;
import static io.karyon.engine.internal.ArenaDescriptor.FILE_VERSION_OFFSET;
import static io.karyon.engine.internal.ArenaDescriptor.checkChunkShift;
import static io.karyon.engine.internal.ArenaDescriptor.checkFileHeader;
import static io.karyon.engine.internal.ArenaDescriptor.checkFileLength;
import static io.karyon.engine.internal.ArenaDescriptor.chunkLength;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The file behind a file-backed {@link Arena}: creating or opening it, checking its header, and mapping its chunks,
 * each a page-aligned window of the file after the file header ({@link ArenaDescriptor} draws both headers).
 * <p>
 * <b>Note:</b> used by the arena's owner thread only, while no worker runs, except {@link #mapChunk(int)}, which the
 * owner of a family calls for that family's chunks.
 */
final class ArenaFile
{
    private final Path path;
    private final FileChannel channel;
    private final int stateLength;
    private final int chunkShift;
    private final int chunkLength;
    private final MappedByteBuffer header;
    private final UnsafeBuffer headerBuffer;
    private MappedByteBuffer[] mapped = new MappedByteBuffer[Arena.FAMILY_CHUNKS];

    private ArenaFile(final Path path, final FileChannel channel, final int stateLength, final int chunkShift)
    {
        checkStateLength(stateLength);
        checkChunkShift(chunkShift);
        this.chunkLength = chunkLength(stateLength, chunkShift, FILE_CHUNK_ALIGNMENT);
        this.path = path;
        this.channel = channel;
        this.stateLength = stateLength;
        this.chunkShift = chunkShift;
        try
        {
            header = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_HEADER_LENGTH);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map arena file header: " + path, ex);
        }
        headerBuffer = new UnsafeBuffer(header);
    }

    /**
     * Creates a new arena file, which must not exist yet, and writes its header with no families.
     *
     * @param path        to create.
     * @param stateLength of each slot's state, a positive multiple of 8.
     * @param chunkShift  log2 of the slots per chunk.
     * @return the file, its header mapped.
     * @throws IllegalArgumentException if the file exists already.
     */
    static ArenaFile create(final Path path, final int stateLength, final int chunkShift)
    {
        checkStateLength(stateLength);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new IllegalArgumentException("arena file exists already: " + path);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create arena file: " + path, ex);
        }
        final ArenaFile file;
        try
        {
            file = new ArenaFile(path, channel, stateLength, chunkShift);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            deleteQuietly(path);
            throw ex;
        }
        file.headerBuffer.putInt(FILE_VERSION_OFFSET, FILE_VERSION);
        file.headerBuffer.putInt(FILE_STATE_LENGTH_OFFSET, stateLength);
        file.headerBuffer.putInt(FILE_CHUNK_SHIFT_OFFSET, chunkShift);
        file.headerBuffer.putInt(FILE_FAMILY_COUNT_OFFSET, 0);
        // The magic goes last: a file cut short before this point is not mistaken for an arena.
        file.headerBuffer.putLongVolatile(FILE_MAGIC_OFFSET, FILE_MAGIC);
        return file;
    }

    /**
     * Opens an arena file written by {@link #create(Path, int, int)} and checks its length and header, family count
     * included; its chunks are not mapped yet.
     *
     * @param path to open.
     * @return the file, its header mapped.
     * @throws IllegalArgumentException naming the file and the fault when it is not a valid arena file.
     */
    static ArenaFile open(final Path path)
    {
        if (!Files.isRegularFile(path))
        {
            throw new IllegalArgumentException("arena file does not exist: " + path);
        }
        final FileChannel channel;
        final long size;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            size = channel.size();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open arena file: " + path, ex);
        }
        try
        {
            checkFileLength(path, size);
            final ByteBuffer fields = ByteBuffer.allocate(FILE_FIELDS_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(fields, 0);
            checkFileHeader(path, fields);
            final ArenaFile file;
            try
            {
                file = new ArenaFile(
                    path, channel, fields.getInt(FILE_STATE_LENGTH_OFFSET), fields.getInt(FILE_CHUNK_SHIFT_OFFSET));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(path + ": corrupt arena header: " + ex.getMessage(), ex);
            }
            final int familyCount = fields.getInt(FILE_FAMILY_COUNT_OFFSET);
            if (familyCount < 0 || familyCount > Arena.maxFamilies(file.chunkShift))
            {
                file.close();
                throw new IllegalArgumentException(path + ": corrupt arena header: familyCount=" + familyCount);
            }
            return file;
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read arena file: " + path, ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    Path path()
    {
        return path;
    }

    int stateLength()
    {
        return stateLength;
    }

    int chunkShift()
    {
        return chunkShift;
    }

    /**
     * Family count recorded in the header.
     *
     * @return families the file holds.
     */
    int familyCount()
    {
        return headerBuffer.getIntVolatile(FILE_FAMILY_COUNT_OFFSET);
    }

    /**
     * Records a new family count in the header.
     *
     * @param familyCount families the arena has now.
     */
    void familyCount(final int familyCount)
    {
        headerBuffer.putIntVolatile(FILE_FAMILY_COUNT_OFFSET, familyCount);
    }

    /**
     * Whether a chunk was created in the file, by its magic; a chunk the file does not reach was never written (the
     * file is sparse), and one it reaches only in part is a truncated file.
     *
     * @param chunk index.
     * @return true when the chunk's magic is there.
     * @throws IllegalArgumentException when the file ends inside the chunk.
     * @throws IOException when the file cannot be read.
     */
    boolean wasWritten(final int chunk) throws IOException
    {
        final long size = channel.size();
        final long position = position(chunk);
        if (position >= size)
        {
            return false;
        }
        if (position + chunkLength > size)
        {
            throw new IllegalArgumentException(path + ": truncated arena file: chunk " + chunk + " needs " +
                (position + chunkLength) + " bytes, file has " + size);
        }
        final ByteBuffer magic = ByteBuffer.allocate(SIZE_OF_LONG).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(magic, position + CHUNK_MAGIC_OFFSET);
        return CHUNK_MAGIC == magic.getLong(0);
    }

    /**
     * Maps a chunk's window of the file, growing the file when the chunk lies past its end.
     *
     * @param chunk index.
     * @return a buffer over the chunk.
     */
    UnsafeBuffer mapChunk(final int chunk)
    {
        try
        {
            final MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, position(chunk), chunkLength);
            if (chunk >= mapped.length)
            {
                mapped = Arrays.copyOf(mapped, Math.max(chunk + 1, mapped.length * 2));
            }
            mapped[chunk] = buffer;
            return new UnsafeBuffer(buffer);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot map chunk " + chunk + " of arena file " + path, ex);
        }
    }

    /**
     * Writes the mapped chunks, then the header, to disk.
     */
    void force()
    {
        for (final MappedByteBuffer buffer : mapped)
        {
            if (null != buffer)
            {
                buffer.force();
            }
        }
        header.force();
    }

    /**
     * Unmaps the chunks and the header and closes the file, which stays on disk.
     */
    void close()
    {
        for (int c = 0; c < mapped.length; c++)
        {
            if (null != mapped[c])
            {
                IoUtil.unmap(mapped[c]);
                mapped[c] = null;
            }
        }
        IoUtil.unmap(header);
        closeQuietly(channel);
    }

    private long position(final int chunk)
    {
        return FILE_HEADER_LENGTH + (long)chunk * chunkLength;
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // nothing more can be done: the channel is being abandoned after an earlier error
        }
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // the creation already failed; that error is the one reported
        }
    }
}
