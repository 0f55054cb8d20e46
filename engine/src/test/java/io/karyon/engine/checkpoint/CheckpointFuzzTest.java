package io.karyon.engine.checkpoint;

import io.karyon.engine.Organism;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reader against damaged files: wrong magic, another format version, truncations and flipped bytes anywhere.
 * Every byte of a {@code .kcp} file is under a checksum, so every damaged file must be refused with a
 * {@link CheckpointException} whose message is one line naming the file, and the organism it was to be restored into
 * must be left as it was; a damaged file that is not refused would have to restore the very same state.
 */
class CheckpointFuzzTest
{
    private static final long SEED = 7;

    @TempDir
    Path folder;

    private Path good;
    private int cases;
    private byte[] bytes;

    @BeforeEach
    void writeOne() throws IOException
    {
        final EveryMechanism run = EveryMechanism.setUpSmall(2, SEED);
        good = folder.resolve("tick-6.kcp");
        try (Organism organism = run.organism)
        {
            run.runTo(6);
            Checkpoints.write(organism, good, new CheckpointMeta("fuzz", Map.of("k", "v"), SEED, "parent.kcp"),
                List.of(new LongPart(99)));
        }
        bytes = Files.readAllBytes(good);
    }

    private CheckpointException refused(final byte[] damaged, final Organism organism) throws IOException
    {
        final Path file = folder.resolve("damaged.kcp");
        Files.write(file, damaged);
        if (0 == (cases++ & 7))
        {
            assertThrows(CheckpointException.class, () -> Checkpoints.inspect(file));
        }
        return assertThrows(CheckpointException.class,
            () -> Checkpoints.restore(organism, file, List.of(new LongPart(0))));
    }

    @Test
    @Timeout(30)
    void shouldNameTheFileAndTheFirstBadThing() throws IOException
    {
        try (Organism organism = EveryMechanism.setUpSmall(1, SEED).organism)
        {
            final byte[] magic = bytes.clone();
            magic[0] = 'X';
            assertEquals("damaged.kcp: not a Karyon checkpoint (no KARYONCP magic)",
                refused(magic, organism).getMessage());
            final byte[] version = bytes.clone();
            ByteBuffer.wrap(version).putInt(8, 3);
            assertEquals("damaged.kcp: format version 3, this engine reads 1", refused(version, organism).getMessage());
            assertEquals("damaged.kcp: truncated (12 bytes, header needs 16)",
                refused(Arrays.copyOf(bytes, 12), organism).getMessage());
            final CheckpointHeader header = Checkpoints.inspect(good);
            final CheckpointHeader.Section cells = header.sections().get(1);
            assertEquals("cells 0", cells.name());
            final byte[] flipped = bytes.clone();
            flipped[(int)(cells.offset() + cells.length() / 2)] ^= 0x10;
            assertEquals("damaged.kcp: section \"cells 0\" checksum mismatch", refused(flipped, organism).getMessage());
            final int headerEnd = (int)header.sections().get(0).offset() - 4;
            assertEquals("damaged.kcp: truncated (" + (headerEnd + 2) + " bytes, header needs " + (headerEnd + 4) +
                ")", refused(Arrays.copyOf(bytes, headerEnd + 2), organism).getMessage());
            final byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertEquals("damaged.kcp: " + longer.length + " bytes, its sections end at " + bytes.length,
                refused(longer, organism).getMessage());
            assertEquals(0, organism.ticks(), "refused files change nothing");
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseThousandsOfDamagedFiles() throws IOException
    {
        final Random random = new Random(20261205);
        final EveryMechanism fresh = EveryMechanism.setUpSmall(1, SEED);
        try (Organism organism = fresh.organism)
        {
            final long digest = organism.digest();
            int flips = 0;
            int truncations = 0;
            for (int i = 0; i < 3000; i++)
            {
                final byte[] damaged;
                if (i % 3 == 2)
                {
                    damaged = Arrays.copyOf(bytes, random.nextInt(bytes.length));
                    truncations++;
                }
                else
                {
                    damaged = bytes.clone();
                    // Half the flips land in the header and the section table, where a bad length or offset hides.
                    final int span = 0 == i % 2 ? Math.min(bytes.length, 512) : bytes.length;
                    for (int n = 1 + random.nextInt(3); n > 0; n--)
                    {
                        damaged[random.nextInt(span)] ^= (byte)(1 + random.nextInt(255));
                    }
                    flips++;
                }
                final CheckpointException ex = refused(damaged, organism);
                assertTrue(ex.getMessage().startsWith("damaged.kcp: ") && !ex.getMessage().contains("\n"),
                    "case " + i + ": " + ex.getMessage());
            }
            assertEquals(2000, flips);
            assertEquals(1000, truncations);
            assertEquals(digest, organism.digest(), "three thousand refused files changed nothing");
            assertEquals(0, organism.ticks());
            final LongPart part = new LongPart(0);
            Checkpoints.restore(organism, good, List.of(part));
            assertEquals(99, part.value, "the good file still restores");
            assertEquals(6, organism.ticks());
        }
        catch (final RuntimeException ex)
        {
            fail("a damaged file must be refused with a CheckpointException, not " + ex, ex);
        }
    }

    /**
     * A part holding one long.
     */
    private static final class LongPart implements CheckpointPart
    {
        private long value;

        LongPart(final long value)
        {
            this.value = value;
        }

        public String name()
        {
            return "run";
        }

        public void write(final java.io.DataOutput out) throws IOException
        {
            out.writeLong(value);
        }

        public void read(final java.io.DataInput in) throws IOException
        {
            value = in.readLong();
        }
    }
}
