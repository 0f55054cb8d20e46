package io.karyon.engine.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The layout of a {@code .kcp} file: a header, then its sections back to back. Every byte of the file is covered by
 * a checksum, so a flipped byte anywhere is found.
 * <pre>
 *   0   magic "KARYONCP" (8 bytes)
 *   8   format version (int)
 *   12  header length H: bytes from 0 to the end of the section table (int)
 *   16  engine version (UTF), model (UTF), parameters (int count, then name and value, UTF each), seed (long),
 *       parent (boolean, then UTF if true), tick (long), cell count (long), worker count at writing (int),
 *       sections (int count, then each: name (UTF), offset (long), length (long), CRC32C (int))
 *   H   CRC32C of bytes 0 to H (int)
 *   H+4 the sections, in table order, back to back; the file ends where the last one does
 * </pre>
 * Numbers in the header are big-endian ({@link java.io.DataOutput}). The engine's sections ({@code engine}, and
 * {@code cells <worker>} per worker) copy arena memory as it is, in the machine's (little-endian) order.
 * <p>
 * <b>Note:</b> stateless; threadsafe.
 */
final class KcpFormat
{
    /** "KARYONCP" in ASCII. */
    static final byte[] MAGIC = { 'K', 'A', 'R', 'Y', 'O', 'N', 'C', 'P' };
    /** The one format version this engine writes and reads. */
    static final int FORMAT_VERSION = 1;
    /** Bytes of the fixed start of the header: magic, version, header length. */
    static final int FIXED_LENGTH = 16;
    /** Largest header accepted, a guard against a corrupt length. */
    static final int MAX_HEADER_LENGTH = 64 << 20;
    /** The engine's version, as the build recorded it. */
    static final String ENGINE_VERSION = engineVersion();

    private KcpFormat()
    {
    }

    private static String engineVersion()
    {
        try (InputStream in = KcpFormat.class.getResourceAsStream("engine.properties"))
        {
            final Properties properties = new Properties();
            if (null != in)
            {
                properties.load(in);
            }
            final String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The header's bytes, CRC included, for sections laid out back to back after it.
     *
     * @param names   of the sections, in file order.
     * @param lengths of the sections.
     * @param crcs    of the sections.
     * @return the header written, with its sections' offsets.
     */
    static byte[] header(final CheckpointMeta meta, final long tick, final long cellCount, final int workerCount,
        final List<String> names, final long[] lengths, final int[] crcs, final List<CheckpointHeader.Section> out)
    {
        // The header's length does not depend on the offsets in it: lay it out once with zeros, then for real.
        final int length = headerBytes(meta, tick, cellCount, workerCount, names, new long[names.size()], lengths,
            crcs).length;
        final long[] offsets = new long[names.size()];
        long offset = length + 4L;
        for (int i = 0; i < offsets.length; i++)
        {
            offsets[i] = offset;
            offset += lengths[i];
            out.add(new CheckpointHeader.Section(names.get(i), offsets[i], lengths[i], crcs[i] & 0xFFFF_FFFFL));
        }
        final byte[] header = headerBytes(meta, tick, cellCount, workerCount, names, offsets, lengths, crcs);
        final CRC32C crc = new CRC32C();
        crc.update(header);
        final ByteBuffer withCrc = ByteBuffer.allocate(header.length + 4);
        withCrc.put(header).putInt((int)crc.getValue());
        return withCrc.array();
    }

    private static byte[] headerBytes(final CheckpointMeta meta, final long tick, final long cellCount,
        final int workerCount, final List<String> names, final long[] offsets, final long[] lengths, final int[] crcs)
    {
        try
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(0);
            out.writeUTF(ENGINE_VERSION);
            out.writeUTF(meta.model());
            final Map<String, String> parameters = null == meta.parameters() ? Map.of() : meta.parameters();
            out.writeInt(parameters.size());
            for (final Map.Entry<String, String> parameter : parameters.entrySet())
            {
                out.writeUTF(parameter.getKey());
                out.writeUTF(parameter.getValue());
            }
            out.writeLong(meta.seed());
            out.writeBoolean(null != meta.parent());
            if (null != meta.parent())
            {
                out.writeUTF(meta.parent());
            }
            out.writeLong(tick);
            out.writeLong(cellCount);
            out.writeInt(workerCount);
            out.writeInt(names.size());
            for (int i = 0; i < names.size(); i++)
            {
                out.writeUTF(names.get(i));
                out.writeLong(offsets[i]);
                out.writeLong(lengths[i]);
                out.writeInt(crcs[i]);
            }
            out.flush();
            final byte[] header = bytes.toByteArray();
            ByteBuffer.wrap(header).putInt(12, header.length);
            return header;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Reads and checks a file's header: magic, version, length, checksum, and sections that tile the rest of the file
     * exactly. Section checksums are not verified here.
     *
     * @throws CheckpointException naming the file and the first bad thing.
     */
    static CheckpointHeader readHeader(final FileChannel channel, final Path file) throws CheckpointException
    {
        final String name = String.valueOf(file.getFileName());
        try
        {
            final long size = channel.size();
            if (size < FIXED_LENGTH)
            {
                throw new CheckpointException(name + ": truncated (" + size + " bytes, header needs " + FIXED_LENGTH +
                    ")");
            }
            final ByteBuffer fixed = read(channel, 0, FIXED_LENGTH);
            final byte[] magic = new byte[MAGIC.length];
            fixed.get(magic);
            if (!java.util.Arrays.equals(MAGIC, magic))
            {
                throw new CheckpointException(name + ": not a Karyon checkpoint (no KARYONCP magic)");
            }
            final int version = fixed.getInt();
            if (FORMAT_VERSION != version)
            {
                throw new CheckpointException(name + ": format version " + version + ", this engine reads " +
                    FORMAT_VERSION);
            }
            final int headerLength = fixed.getInt();
            if (headerLength < FIXED_LENGTH || headerLength > MAX_HEADER_LENGTH)
            {
                throw new CheckpointException(name + ": header length " + headerLength + " is impossible");
            }
            if (size < headerLength + 4L)
            {
                throw new CheckpointException(name + ": truncated (" + size + " bytes, header needs " +
                    (headerLength + 4L) + ")");
            }
            final ByteBuffer header = read(channel, 0, headerLength + 4);
            final CRC32C crc = new CRC32C();
            crc.update(header.array(), 0, headerLength);
            if ((int)crc.getValue() != header.getInt(headerLength))
            {
                throw new CheckpointException(name + ": header checksum mismatch");
            }
            return parse(header.array(), headerLength, size, name);
        }
        catch (final CheckpointException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new CheckpointException(name + ": cannot be read: " + ex, ex);
        }
    }

    private static CheckpointHeader parse(final byte[] header, final int headerLength, final long size,
        final String name) throws IOException
    {
        final DataInputStream in = new DataInputStream(new ByteArrayInputStream(header, FIXED_LENGTH,
            headerLength - FIXED_LENGTH));
        final String engineVersion = in.readUTF();
        final String model = in.readUTF();
        final int parameterCount = in.readInt();
        if (parameterCount < 0 || parameterCount > headerLength)
        {
            throw new CheckpointException(name + ": header has " + parameterCount + " parameters");
        }
        final Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parameterCount; i++)
        {
            parameters.put(in.readUTF(), in.readUTF());
        }
        final long seed = in.readLong();
        final String parent = in.readBoolean() ? in.readUTF() : null;
        final long tick = in.readLong();
        final long cellCount = in.readLong();
        final int workerCount = in.readInt();
        final int sectionCount = in.readInt();
        if (sectionCount < 0 || sectionCount > headerLength)
        {
            throw new CheckpointException(name + ": header has " + sectionCount + " sections");
        }
        final List<CheckpointHeader.Section> sections = new ArrayList<>(sectionCount);
        final Set<String> names = new HashSet<>();
        long end = headerLength + 4L;
        for (int i = 0; i < sectionCount; i++)
        {
            final String section = in.readUTF();
            final long offset = in.readLong();
            final long length = in.readLong();
            final int crc = in.readInt();
            if (!names.add(section) || offset != end || length < 0 || length > Integer.MAX_VALUE)
            {
                throw new CheckpointException(name + ": section \"" + section + "\" is misplaced in the table");
            }
            end = offset + length;
            if (end > size)
            {
                throw new CheckpointException(name + ": truncated (" + size + " bytes, section \"" + section +
                    "\" needs " + end + ")");
            }
            sections.add(new CheckpointHeader.Section(section, offset, length, crc & 0xFFFF_FFFFL));
        }
        if (0 != in.available())
        {
            throw new CheckpointException(name + ": header has " + in.available() + " bytes after its table");
        }
        if (end != size)
        {
            throw new CheckpointException(name + ": " + size + " bytes, its sections end at " + end);
        }
        return new CheckpointHeader(FORMAT_VERSION, engineVersion,
            new CheckpointMeta(model, java.util.Collections.unmodifiableMap(parameters), seed, parent), tick,
            cellCount, workerCount, List.copyOf(sections));
    }

    /**
     * Maps every section and verifies its checksum, in table order.
     *
     * @return the sections' bytes by name.
     * @throws CheckpointException naming the file and the first section whose checksum does not match.
     */
    static Map<String, ByteBuffer> verify(final FileChannel channel, final CheckpointHeader header, final Path file)
        throws CheckpointException
    {
        final String name = String.valueOf(file.getFileName());
        final Map<String, ByteBuffer> sections = new LinkedHashMap<>();
        for (final CheckpointHeader.Section section : header.sections())
        {
            final ByteBuffer bytes;
            try
            {
                bytes = 0 == section.length() ? ByteBuffer.allocate(0) :
                    channel.map(FileChannel.MapMode.READ_ONLY, section.offset(), section.length());
            }
            catch (final IOException ex)
            {
                throw new CheckpointException(name + ": section \"" + section.name() + "\" cannot be read: " + ex, ex);
            }
            final CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if (crc.getValue() != section.checksum())
            {
                throw new CheckpointException(name + ": section \"" + section.name() + "\" checksum mismatch");
            }
            sections.put(section.name(), bytes);
        }
        return sections;
    }

    private static ByteBuffer read(final FileChannel channel, final long position, final int length)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer, position + buffer.position()) < 0)
            {
                throw new IOException("file ended at " + (position + buffer.position()));
            }
        }
        buffer.flip();
        return buffer;
    }
}
