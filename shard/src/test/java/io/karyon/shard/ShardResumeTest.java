package io.karyon.shard;

import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.models.Ring;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded run's set of checkpoints refused before anything starts, in one line (exit 2), with nothing in the folder
 * changed: a part missing, corrupt, of another run, of another shard, of another seed; another shard count; a folder
 * without a manifest; and a seeded fuzz of the manifest's parser.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardResumeTest
{
    private static final ShardRun.Spec SPEC = new ShardRun.Spec(new Ring(), Map.of("supervisors", "10"), 500, 20, 3,
        1);

    private Path dir;
    private Path set;
    private Path other;

    @BeforeEach
    void makeSets() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "karyon-shard-resume-test-") :
            Files.createTempDirectory("karyon-shard-resume-test-");
        set = dir.resolve("a");
        other = dir.resolve("b");
        ShardCheckpointTest.sharded(dir.resolve("aeron-a"), SPEC, 2,
            new ShardCheckpoints.Settings(set, 10, 2, "aaaaaaaa"), null);
        ShardCheckpointTest.sharded(dir.resolve("aeron-b"), SPEC, 2,
            new ShardCheckpoints.Settings(other, 10, 2, "bbbbbbbb"), null);
    }

    @AfterEach
    void deleteDir()
    {
        IoUtil.delete(dir.toFile(), false);
        assertFalse(Files.exists(dir));
    }

    /**
     * Every file of a folder by name, with its length and CRC.
     */
    private static Map<String, String> snapshot(final Path folder) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder))
        {
            for (final Path f : (Iterable<Path>)list::iterator)
            {
                final CRC32C crc = new CRC32C();
                final byte[] bytes = Files.readAllBytes(f);
                crc.update(bytes);
                files.put(f.getFileName().toString(), bytes.length + ":" + crc.getValue());
            }
        }
        return files;
    }

    private void assertRefused(final String expected, final Executable resume) throws IOException
    {
        final Map<String, String> before = snapshot(set);
        final ModelException ex = assertThrows(ModelException.class, resume);
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
        assertEquals(before, snapshot(set), "nothing in the folder changed");
    }

    @Test
    void shouldFindTheNewestCompleteSet()
    {
        assertEquals(20, ShardResume.load(set).manifest().tick());
        assertEquals(10, ShardResume.load(set.resolve("tick-10.manifest.json")).manifest().tick());
        assertEquals("aaaaaaaa", ShardResume.load(set).manifest().runId());
    }

    @Test
    void shouldRefuseAMissingPart() throws IOException
    {
        Files.delete(set.resolve("tick-20.shard-1.kcp"));
        assertRefused("tick-20.manifest.json: part of shard 1 (tick-20.shard-1.kcp) is missing",
            () -> ShardResume.load(set));
    }

    @Test
    void shouldRefuseACorruptPart() throws IOException
    {
        final Path part = set.resolve("tick-20.shard-1.kcp");
        final byte[] bytes = Files.readAllBytes(part);
        bytes[bytes.length - 100] ^= 0x5A;
        Files.write(part, bytes);
        assertRefused("tick-20.manifest.json: part of shard 1 (tick-20.shard-1.kcp): tick-20.shard-1.kcp: ",
            () -> ShardResume.load(set));
    }

    @Test
    void shouldRefuseAPartOfAnotherRun() throws IOException
    {
        Files.copy(other.resolve("tick-20.shard-1.kcp"), set.resolve("tick-20.shard-1.kcp"),
            StandardCopyOption.REPLACE_EXISTING);
        assertRefused("part of shard 1 (tick-20.shard-1.kcp) is not of this set: its run id is bbbbbbbb, the " +
            "manifest's aaaaaaaa", () -> ShardResume.load(set));
    }

    @Test
    void shouldRefuseAPartOfAnotherTick() throws IOException
    {
        final Path manifest = set.resolve("tick-20.manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("tick-20.shard-1.kcp", "tick-10.shard-1.kcp")
            .replaceAll("\"length\" : \\d+,\n(\\s*)\"sections_crc32c\" : \\d+ }\\s*]",
            "\"length\" : " + Files.size(set.resolve("tick-10.shard-1.kcp")) + ",\n$1\"sections_crc32c\" : 0 } ]"));
        assertRefused("part of shard 1 (tick-10.shard-1.kcp) is not of this set: it is of tick 10, the manifest's " +
            "is 20", () -> ShardResume.load(manifest));
    }

    @Test
    void shouldRefuseAPartOfAnotherSeed() throws IOException
    {
        final Path manifest = set.resolve("tick-20.manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"seed\" : 3,", "\"seed\" : 4,"));
        assertRefused("part of shard 0 (tick-20.shard-0.kcp) is not of this set: its model, seed or parameters",
            () -> ShardResume.load(set));
    }

    @Test
    void shouldRefuseAPartOfAnotherShard() throws IOException
    {
        final Path manifest = set.resolve("tick-20.manifest.json");
        final ShardManifest m = ShardManifest.read(manifest);
        final ShardManifest.Part zero = m.parts().get(0);
        Files.writeString(manifest, new ShardManifest(m.runId(), m.model(), m.seed(), m.shards(), m.workers(),
            m.cells(), m.ticks(), m.tick(), m.every(), m.keep(), m.parameters(), List.of(zero,
            new ShardManifest.Part(1, zero.file(), zero.length(), zero.checksum()))).toJson());
        assertRefused("part of shard 1 (tick-20.shard-0.kcp) is not of this set: it is shard 0 of 2, the manifest " +
            "names shard 1 of 2", () -> ShardResume.load(set));
    }

    @Test
    void shouldRefuseAShardResumingAnotherShardsPart() throws Exception
    {
        final ShardResume resume = ShardResume.load(set);
        final List<Path> swapped = List.of(resume.parts().get(1), resume.parts().get(0));
        final AssertionError failed = assertThrows(AssertionError.class, () -> ShardCheckpointTest.sharded(
            dir.resolve("aeron-c"), resume.spec(SPEC.model()), 2, resume.settings(), swapped));
        final ModelException ex = (ModelException)failed.getCause();
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        // The engine's sections refuse it first: shard 1's part holds no cells of shard 0's worker.
        assertTrue(ex.getMessage().contains("tick-20.shard-1.kcp: section \"cells 0\", family 0: block holds no " +
            "cells (it is from the part of a shard that does not run worker 0), but this process runs worker 0, " +
            "which owns the family"), ex.getMessage());
    }

    @Test
    void shouldRefuseAnotherShardCount() throws IOException
    {
        final ShardResume resume = ShardResume.load(set);
        assertRefused("tick-20.manifest.json: is a set of 2 shards; a sharded run resumes on as many shards as it " +
            "ran on, not --shards 3",
            () -> resume.run(ModelCatalog.load(getClass().getClassLoader()), 3, null, (run) -> run));
    }

    @Test
    void shouldRefuseAFolderWithoutAManifest() throws IOException
    {
        Files.delete(set.resolve("tick-10.manifest.json"));
        Files.delete(set.resolve("tick-20.manifest.json"));
        assertRefused("holds no complete set of a sharded run's checkpoints", () -> ShardResume.load(set));
        assertRefused("not a sharded run's manifest", () -> ShardResume.load(set.resolve("tick-20.shard-0.kcp")));
    }

    @Test
    void shouldReadBackWhatItWrites()
    {
        final ShardManifest m = ShardManifest.read(set.resolve("tick-20.manifest.json"));
        assertEquals(m, ShardManifest.parse(m.toJson(), "x"));
        assertEquals("10", m.parameters().get("supervisors"));  // every parameter, as the parts record them
        assertEquals(2, m.parts().size());
    }

    @Test
    void shouldRefuseEveryMangledManifestInOneLine() throws IOException
    {
        final String good = Files.readString(set.resolve("tick-20.manifest.json"));
        final ShardManifest expected = ShardManifest.parse(good, "m");
        final Random random = new Random(0x5EED);
        final String[] values = { "-1", "0", "1e3", "\"x\"", "null", "[]", "{}", "true", "99999999999999999999",
            "\"tick-1.shard-9.kcp\"", "2.5" };
        int refused = 0;
        for (int i = 0; i < 3000; i++)
        {
            final String text = mangle(good, random, values);
            try
            {
                final ShardManifest m = ShardManifest.parse(text, "m");
                assertTrue(m.tick() >= 1 && m.tick() <= m.ticks() && m.parts().size() == m.shards(), text);
            }
            catch (final ModelException ex)
            {
                refused++;
                assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
                assertTrue(ex.getMessage().startsWith("m: "), ex.getMessage());
                assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
            }
        }
        assertTrue(refused > 2000, "most mangled manifests are refused: " + refused);
        assertEquals(expected, ShardManifest.parse(good, "m"));
    }

    private static String mangle(final String good, final Random random, final String[] values)
    {
        final byte[] bytes = good.getBytes(StandardCharsets.UTF_8);
        switch (random.nextInt(4))
        {
            case 0:
                return new String(bytes, 0, random.nextInt(bytes.length), StandardCharsets.UTF_8);
            case 1:
                bytes[random.nextInt(bytes.length)] = (byte)(32 + random.nextInt(95));
                return new String(bytes, StandardCharsets.UTF_8);
            case 2:
                bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                return new String(bytes, StandardCharsets.ISO_8859_1);
            default:
                // A value replaced: the n-th "field" : value pair gets another value.
                final String[] lines = good.split("\n", -1);
                final int line = random.nextInt(lines.length);
                final int colon = lines[line].indexOf(" : ");
                if (colon > 0)
                {
                    final boolean comma = lines[line].endsWith(",");
                    lines[line] = lines[line].substring(0, colon + 3) + values[random.nextInt(values.length)] +
                        (comma ? "," : "");
                }
                return String.join("\n", lines);
        }
    }
}
