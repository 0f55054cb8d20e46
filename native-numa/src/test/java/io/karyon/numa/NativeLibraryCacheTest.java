package io.karyon.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JNI library is extracted once per user, into a folder named after its hash; killed runs leave nothing in the
 * temporary folder.
 */
class NativeLibraryCacheTest
{
    private static final byte[] LIBRARY = "not really a library".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldExtractOnceIntoAFolderNamedAfterTheHash(@TempDir final Path root) throws IOException
    {
        final Path first = NativeLibraryCache.extract(LIBRARY, "libx.so", root);
        final long modified = Files.getLastModifiedTime(first).toMillis();
        final Path second = NativeLibraryCache.extract(LIBRARY, "libx.so", root);

        assertEquals(root.resolve(NativeLibraryCache.sha256(LIBRARY)).resolve("libx.so"), first);
        assertEquals(first, second);
        assertEquals(modified, Files.getLastModifiedTime(second).toMillis(), "not written again");
        assertArrayEquals(LIBRARY, Files.readAllBytes(first));
        assertEquals(List.of(first), files(root), "nothing else is left in the cache");
    }

    @Test
    void shouldReplaceACachedCopyWhoseBytesDoNotMatchItsHash(@TempDir final Path root) throws IOException
    {
        final Path file = NativeLibraryCache.extract(LIBRARY, "libx.so", root);
        Files.write(file, new byte[]{ 1, 2, 3 });

        assertEquals(file, NativeLibraryCache.extract(LIBRARY, "libx.so", root));
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
    }

    @Test
    void shouldKeepOneCopyPerVersion(@TempDir final Path root) throws IOException
    {
        final byte[] newer = "a newer library".getBytes(StandardCharsets.UTF_8);
        final Path old = NativeLibraryCache.extract(LIBRARY, "libx.so", root);
        final Path now = NativeLibraryCache.extract(newer, "libx.so", root);

        assertNotEquals(old.getParent(), now.getParent());
        assertArrayEquals(LIBRARY, Files.readAllBytes(old));
        assertArrayEquals(newer, Files.readAllBytes(now));
    }

    @Test
    void shouldFallBackToATemporaryFileWhenTheCacheCannotBeWritten(@TempDir final Path dir) throws IOException
    {
        final Path notAFolder = Files.writeString(dir.resolve("cache"), "a file where the cache would go");

        final Path file = NativeLibraryCache.extract(LIBRARY, "libx.so", notAFolder.resolve("native"));

        assertTrue(file.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), file.toString());
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
        Files.delete(file);
    }

    @Test
    @Timeout(120)
    void shouldLeaveNothingInTheTemporaryFolderWhenRunsAreKilled(@TempDir final Path dir) throws Exception
    {
        final Path tmp = Files.createDirectories(dir.resolve("tmp"));
        final Path cache = dir.resolve("cache");
        for (int run = 0; run < 2; run++)
        {
            final Process process = new ProcessBuilder(probe(tmp, cache)).redirectErrorStream(true).start();
            final BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("available=true", reader.readLine());
            process.destroyForcibly();  // SIGKILL: no shutdown hook, no deleteOnExit
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of(), files(tmp), "the temporary folder is left empty");
        final List<Path> cached = files(cache);
        assertEquals(1, cached.size(), cached.toString());
        assertEquals("libkaryonnuma.so", cached.get(0).getFileName().toString());
    }

    private static List<String> probe(final Path tmp, final Path cache)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access"))
            {
                command.add(arg);
            }
        }
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-D" + NativeLibraryCache.CACHE_DIR_PROP_NAME + "=" + cache);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoadedLibraryProbe.class.getName());
        return command;
    }

    private static List<Path> files(final Path root) throws IOException
    {
        try (Stream<Path> walk = Files.walk(root))
        {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Loads the library, says so, and waits to be killed.
     */
    static final class LoadedLibraryProbe
    {
        public static void main(final String[] args) throws IOException
        {
            System.out.println("available=" + NumaBinding.isAvailable());
            System.out.flush();
            System.in.read();
        }
    }
}
