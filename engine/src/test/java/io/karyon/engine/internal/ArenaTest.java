package io.karyon.engine.internal;

import io.karyon.engine.cell.CellDescriptor;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.karyon.engine.cell.CellDescriptor.STATUS_ALIVE;
import static io.karyon.engine.cell.CellDescriptor.STATUS_FREE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArenaTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAllocateAcrossChunksAndKeepSlotsCacheLineAligned()
    {
        try (Arena arena = Arena.inMemory(64, 6))
        {
            final CellFlyweight cell = new CellFlyweight();
            assertEquals(0, arena.addFamily());
            final int overflow = 1;
            arena.addChunk(overflow);
            assertEquals(1, arena.addFamily());
            final int secondRoot = Arena.FAMILY_CHUNKS;
            for (int i = 0; i < 64; i++)
            {
                assertEquals(i, arena.allocate(0));
            }
            assertEquals(-1, arena.allocate(0), "a full chunk allocates nothing");
            assertEquals(64, arena.allocate(overflow), "the overflow chunk's slots follow the root's");
            assertEquals(secondRoot << 6, arena.allocate(secondRoot), "the next family starts 32 chunks on");
            assertEquals(66, arena.live());
            assertEquals(3, arena.chunkCount());
            assertFalse(arena.hasChunk(2), "chunks are created only when asked for");

            arena.wrap(cell, 64).putLong(56, 0xCAFEL);
            assertEquals(0xCAFEL, arena.chunk(overflow).getLong(ArenaDescriptor.CHUNK_HEADER_LENGTH
                + CellDescriptor.HEADER_LENGTH + 56));
            assertEquals(0, arena.chunk(0).addressOffset() & 63, "chunks start on a cache line");
            assertTrue(arena.exists(64));
            assertFalse(arena.exists(65), "a slot above the high-water mark does not exist");
            assertFalse(arena.exists(-1));
            assertFalse(arena.exists(2 << 6), "a slot of a chunk never created does not exist");
            assertFalse(arena.exists(1 << 30));
            assertThrows(IllegalStateException.class, () -> arena.addChunk(overflow), "a chunk is created once");
            assertThrows(IllegalStateException.class, () -> arena.addChunk(3 * Arena.FAMILY_CHUNKS),
                "only in a family that exists");
        }
    }

    @Test
    void shouldAskForHugePagesOnChunksAlignedToTwoMebibytes()
    {
        try (Arena arena = Arena.inMemory(64, 16, CellStorage.ROW, true))
        {
            assertTrue(arena.hugePages(), "the memory-binding library is built with the module on these machines");
            arena.addFamily();
            arena.addFamily();
            assertEquals(0, arena.chunk(0).addressOffset() & ((2 << 20) - 1));
            assertEquals(0, arena.chunk(Arena.FAMILY_CHUNKS).addressOffset() & ((2 << 20) - 1));
            assertTrue(arena.hugePages(), "the OS took the advice");
        }
        try (Arena small = Arena.inMemory(64, 10, CellStorage.ROW, true))
        {
            assertFalse(small.hugePages(), "a chunk smaller than a huge page does not ask for one");
        }
    }

    @Test
    void shouldGiveAReusedSlotANewGeneration()
    {
        try (Arena arena = Arena.inMemory(8, 6))
        {
            final CellFlyweight cell = new CellFlyweight();
            final int chunk = arena.addFamily() << Arena.FAMILY_SHIFT;
            final int slot = arena.allocate(chunk);
            assertEquals(1, arena.wrap(cell, slot).generation());
            arena.free(slot);
            assertEquals(STATUS_FREE, arena.wrap(cell, slot).status());
            assertEquals(slot, arena.allocate(chunk), "the freed slot is reused first");
            assertEquals(2, arena.wrap(cell, slot).generation());
            assertEquals(1, arena.live(chunk));
        }
    }

    @Test
    void shouldHoldTenMillionCellsOfSixtyFourBytesBeyondOneBuffersReach()
    {
        // A 2^24-slot chunk of 136-byte slots would pass Agrona's 2 GiB buffer limit: refused, name the fix.
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Arena.inMemory(120, 24));
        assertEquals("chunk of 2^24 slots of 136 bytes exceeds 2 GiB: lower chunkShift", ex.getMessage());

        final int cells = 10_000_000;
        try (Arena arena = Arena.inMemory(64, 14))
        {
            final CellFlyweight cell = new CellFlyweight();
            int chunk = arena.addFamily() << Arena.FAMILY_SHIFT;
            int last = -1;
            for (int i = 0; i < cells; i++)
            {
                int slot = arena.allocate(chunk);
                if (slot < 0)
                {
                    chunk = arena.addFamily() << Arena.FAMILY_SHIFT;
                    slot = arena.allocate(chunk);
                }
                arena.wrap(cell, slot).putLong(56, i);
                last = slot;
            }
            assertEquals(cells, arena.live());
            assertEquals(cells - 1, arena.wrap(cell, last).getLong(56));
            assertEquals(12_345, arena.wrap(cell, 12_345).getLong(56));
            assertTrue((long)arena.chunkCount() * arena.chunkSlots() * arena.slotLength() > 1L << 29);
        }
    }

    @Test
    @Timeout(60)
    void shouldReopenAFileBackedArenaInASecondJvm() throws Exception
    {
        final Path file = dir.resolve("cells.arena");
        final List<String> expected = new ArrayList<>();
        try (Arena arena = Arena.create(file, 16, 6))
        {
            final CellFlyweight cell = new CellFlyweight();
            arena.addFamily();
            arena.addChunk(1);
            arena.addFamily();
            final List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                final int slot = arena.allocate(i < 64 ? 0 : i < 90 ? 1 : Arena.FAMILY_CHUNKS);
                arena.wrap(cell, slot).status(STATUS_ALIVE).putLong(0, i * 31L).putDouble(8, i / 7.0);
                slots.add(slot);
            }
            arena.free(5);
            for (final int slot : slots)
            {
                arena.wrap(cell, slot);
                if (STATUS_ALIVE == cell.status())
                {
                    expected.add(ArenaDump.line(cell));
                }
            }
            arena.force();
        }

        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc"))
            {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ArenaDump.class.getName());
        command.add(file.toString());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "second JVM finished");
        assertEquals(0, process.exitValue(), output);
        assertEquals(String.join("\n", expected), output.strip());
        assertEquals(99, expected.size());
    }

    @Test
    void shouldReopenAndAllocateAfterTheLastUsedSlot()
    {
        final Path file = dir.resolve("grow.arena");
        try (Arena arena = Arena.create(file, 8, 6))
        {
            arena.addFamily();
            arena.allocate(0);
            arena.allocate(0);
            arena.free(0);
        }
        try (Arena arena = Arena.open(file))
        {
            assertEquals(1, arena.chunkCount());
            assertEquals(1, arena.familyCount());
            assertEquals(1, arena.live(0));
            assertEquals(0, arena.allocate(0), "the free list survives in the file");
            assertEquals(2, arena.allocate(0));
        }
    }

    @Test
    void shouldRefuseToOverwriteAnExistingFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Arena.create(file, 8, 6));
        assertEquals("arena file exists already: " + file, ex.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void shouldRejectAFileThatIsNotAnArena() throws IOException
    {
        final Path file = dir.resolve("not.arena");
        Files.write(file, new byte[8192]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Arena.open(file));
        assertEquals(file + ": not an arena file: magic=0x0", ex.getMessage());
    }

    @Test
    void shouldRejectAShortFile() throws IOException
    {
        final Path file = Files.write(dir.resolve("short.arena"), new byte[100]);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Arena.open(file));
        assertEquals(file + ": not an arena file: 100 bytes, shorter than its 4096-byte header", ex.getMessage());
    }

    @Test
    void shouldRejectATruncatedArena() throws IOException
    {
        final Path file = dir.resolve("cut.arena");
        try (Arena arena = Arena.create(file, 8, 6))
        {
            arena.addFamily();
            arena.addChunk(1);
        }
        final long size = Files.size(file);
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE))
        {
            channel.truncate(size - 100);
        }
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Arena.open(file));
        assertTrue(ex.getMessage().startsWith(file + ": truncated arena file: chunk 1 needs"), ex.getMessage());
        assertEquals(size - 100, Files.size(file), "the file is left as it was");
    }

    @Test
    void shouldRejectAMissingFile()
    {
        final Path file = dir.resolve("missing.arena");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Arena.open(file));
        assertEquals("arena file does not exist: " + file, ex.getMessage());
    }

    @Test
    void shouldRejectBadChunkShift()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Arena.inMemory(8, 3));
        assertEquals("chunkShift must be in 6..24: chunkShift=3", ex.getMessage());
    }

    @Test
    void shouldStartGenerationsAtOneAndNeverWrapToZero()
    {
        try (Arena arena = Arena.inMemory(8, 6))
        {
            final CellFlyweight cell = new CellFlyweight();
            arena.addFamily();
            final int slot = arena.allocate(0);
            arena.wrap(cell, slot).generation(-1);
            arena.free(slot);
            assertNotEquals(0, arena.wrap(cell, slot).generation());
        }
    }
}
