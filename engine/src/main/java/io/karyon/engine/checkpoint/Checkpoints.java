package io.karyon.engine.checkpoint;

import io.karyon.engine.EngineCheckpoint;
import io.karyon.engine.KaryonException;
import io.karyon.engine.Organism;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes, inspects and restores {@code .kcp} checkpoints of an {@link Organism}: its whole state at a tick boundary
 * (see {@link EngineCheckpoint}) and the sections a layer above adds as {@link CheckpointPart}s, each with a CRC32C,
 * in the layout {@code KcpFormat} documents. A checkpoint is written to a temporary file beside the target, synced,
 * renamed over it and the folder synced, so that a crash at any moment leaves either the old file or the new one.
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
     * @throws IOException if the file cannot be written (the temporary file is then removed).
     * @throws IllegalArgumentException if a part's name is blank, repeated or one the engine uses.
     */
    public static CheckpointHeader write(
        final Organism organism, final Path file, final CheckpointMeta meta, final List<CheckpointPart> parts)
        throws IOException
    {
        if (null == organism || null == file || null == meta || null == meta.model() || null == parts)
        {
            throw new IllegalArgumentException("write: organism, file, meta (with a model) and parts must be given");
        }
        checkPartNames(parts);
        final List<byte[]> partBytes = new ArrayList<>(parts.size());
        for (final CheckpointPart part : parts)
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final DataOutputStream out = new DataOutputStream(bytes);
            part.write(out);
            out.flush();
            partBytes.add(bytes.toByteArray());
        }
        final Path absolute = file.toAbsolutePath();
        final Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        try (EngineCheckpoint.Capture capture = EngineCheckpoint.capture(organism))
        {
            final List<EngineCheckpoint.Section> engine = capture.sections();
            final int count = engine.size() + parts.size();
            final List<String> names = new ArrayList<>(count);
            final long[] lengths = new long[count];
            final int[] crcs = new int[count];
            for (int i = 0; i < engine.size(); i++)
            {
                names.add(engine.get(i).name());
                lengths[i] = engine.get(i).bytes().remaining();
                crcs[i] = engine.get(i).crc();
            }
            for (int i = 0; i < parts.size(); i++)
            {
                final CRC32C crc = new CRC32C();
                crc.update(partBytes.get(i));
                names.add(parts.get(i).name());
                lengths[engine.size() + i] = partBytes.get(i).length;
                crcs[engine.size() + i] = (int)crc.getValue();
            }
            final List<CheckpointHeader.Section> sections = new ArrayList<>(count);
            final byte[] header = KcpFormat.header(meta, capture.tick(), capture.cellCount(), capture.workerCount(),
                names, lengths, crcs, sections);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                writeFully(channel, ByteBuffer.wrap(header), 0);
                writeFully(channel, engine.get(0).bytes().duplicate(), sections.get(0).offset());
                writeWorkerSections(organism, channel, engine, sections);
                for (int i = 0; i < parts.size(); i++)
                {
                    writeFully(channel, ByteBuffer.wrap(partBytes.get(i)), sections.get(engine.size() + i).offset());
                }
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncFolder(absolute.getParent());
            return new CheckpointHeader(KcpFormat.FORMAT_VERSION, KcpFormat.ENGINE_VERSION, meta, capture.tick(),
                capture.cellCount(), capture.workerCount(), List.copyOf(sections));
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temp);
            throw ex;
        }
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
        try (FileChannel channel = open(file))
        {
            final CheckpointHeader header = KcpFormat.readHeader(channel, file);
            KcpFormat.verify(channel, header, file);
            return header;
        }
        catch (final CheckpointException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new CheckpointException(file.getFileName() + ": cannot be read: " + ex, ex);
        }
    }

    /**
     * Replaces the state of a freshly set-up organism with the checkpoint's, then reads each part by name. The
     * organism must have the same genotypes and behaviours registered under the same names, and the same seed and
     * arena settings (any worker count); any cells it already holds are discarded, and the genotypes' initial states
     * become the checkpoint's. Every checksum is verified, and the engine's state checked against the organism, before
     * anything changes, so a refused file leaves the organism untouched. A part missing from the file, or a section no
     * part claims, is refused.
     *
     * @param organism freshly set up, in tick mode, between ticks, its arena in memory.
     * @param file     to read.
     * @param parts    the sections beyond the engine's own, claimed by name.
     * @return the header.
     * @throws CheckpointException if the file is refused.
     * @throws IOException         if reading a part fails.
     */
    public static CheckpointHeader restore(final Organism organism, final Path file, final List<CheckpointPart> parts)
        throws IOException
    {
        if (null == organism || null == file || null == parts)
        {
            throw new IllegalArgumentException("restore: organism, file and parts must be given");
        }
        checkPartNames(parts);
        final String name = String.valueOf(file.getFileName());
        try (FileChannel channel = open(file))
        {
            final CheckpointHeader header = KcpFormat.readHeader(channel, file);
            final Map<String, ByteBuffer> sections = KcpFormat.verify(channel, header, file);
            final Set<String> claimed = new HashSet<>();
            for (final CheckpointPart part : parts)
            {
                if (!sections.containsKey(part.name()))
                {
                    throw new CheckpointException(name + ": no section \"" + part.name() + "\" for its part");
                }
                claimed.add(part.name());
            }
            for (final String section : sections.keySet())
            {
                if (!EngineCheckpoint.isEngineSection(section) && !claimed.contains(section))
                {
                    throw new CheckpointException(name + ": section \"" + section + "\" is claimed by no part");
                }
            }
            try
            {
                EngineCheckpoint.restore(organism, sections);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new CheckpointException(name + ": " + ex.getMessage(), ex);
            }
            for (final CheckpointPart part : parts)
            {
                readPart(part, sections.get(part.name()), name);
            }
            return header;
        }
    }

    private static void readPart(final CheckpointPart part, final ByteBuffer bytes, final String name)
        throws IOException
    {
        final ByteBuffer section = bytes.duplicate();
        final int length = section.remaining();
        part.read(new DataInputStream(new BufferInput(section)));
        if (section.hasRemaining())
        {
            throw new CheckpointException(name + ": section \"" + part.name() + "\": its part read " +
                (length - section.remaining()) + " of " + length + " bytes");
        }
    }

    private static void checkPartNames(final List<CheckpointPart> parts)
    {
        final Set<String> names = new HashSet<>();
        for (final CheckpointPart part : parts)
        {
            final String name = null == part ? null : part.name();
            if (null == name || name.isBlank() || EngineCheckpoint.isEngineSection(name) || !names.add(name))
            {
                throw new IllegalArgumentException("checkpoint part name must be unique, not blank, and not " +
                    "\"engine\" or \"cells ...\": name=" + (null == name ? null : "\"" + name + "\""));
            }
        }
    }

    private static FileChannel open(final Path file) throws CheckpointException
    {
        try
        {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (final IOException ex)
        {
            throw new CheckpointException(file.getFileName() + ": cannot be read: " + ex, ex);
        }
    }

    /**
     * The workers' sections, each written by its worker at its offset in parallel.
     */
    private static void writeWorkerSections(final Organism organism, final FileChannel channel,
        final List<EngineCheckpoint.Section> engine, final List<CheckpointHeader.Section> sections) throws IOException
    {
        try
        {
            organism.onWorkers((worker, workers) ->
            {
                try
                {
                    writeFully(channel, engine.get(1 + worker).bytes().duplicate(), sections.get(1 + worker).offset());
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
        catch (final KaryonException ex)
        {
            if (ex.getCause() instanceof UncheckedIOException)
            {
                throw ((UncheckedIOException)ex.getCause()).getCause();
            }
            throw ex;
        }
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer bytes, final long position)
        throws IOException
    {
        long at = position;
        while (bytes.hasRemaining())
        {
            at += channel.write(bytes, at);
        }
    }

    private static void syncFolder(final Path folder) throws IOException
    {
        if (null == folder)
        {
            return;
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /**
     * An input stream over a section's bytes.
     */
    private static final class BufferInput extends InputStream
    {
        private final ByteBuffer bytes;

        BufferInput(final ByteBuffer bytes)
        {
            this.bytes = bytes;
        }

        public int read()
        {
            return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
        }

        public int read(final byte[] b, final int off, final int len)
        {
            if (0 == len)
            {
                return 0;
            }
            if (!bytes.hasRemaining())
            {
                return -1;
            }
            final int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }
    }
}
