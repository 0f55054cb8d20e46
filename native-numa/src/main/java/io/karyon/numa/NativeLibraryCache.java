package io.karyon.numa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where the JNI library is extracted from the jar to be loaded: once per user, into a folder named after its hash
 * ({@code $XDG_CACHE_HOME/karyon/native/<sha-256>/libkaryonnuma.so}, else {@code ~/.cache/karyon/...}), so that runs
 * share one copy and a killed run leaves nothing behind. A copy already there is used only if its bytes hash to its
 * folder's name; a new one is written under a temporary name and moved into place, so runs starting together never
 * load a half-written file. Where the cache cannot be written, a temporary file deleted on exit is used instead, as
 * before.
 * <p>
 * <b>Note:</b> threadsafe, and safe across processes.
 */
final class NativeLibraryCache
{
    /** Overrides the cache folder (tests; or a shared, read-only install). */
    static final String CACHE_DIR_PROP_NAME = "karyon.numa.cache.dir";

    private NativeLibraryCache()
    {
    }

    /**
     * The cache folder: {@value #CACHE_DIR_PROP_NAME}, else {@code $XDG_CACHE_HOME/karyon/native}, else
     * {@code ~/.cache/karyon/native}.
     *
     * @return the folder, which need not exist.
     */
    static Path root()
    {
        final String configured = System.getProperty(CACHE_DIR_PROP_NAME);
        if (null != configured && !configured.isBlank())
        {
            return Path.of(configured);
        }
        final String xdg = System.getenv("XDG_CACHE_HOME");
        final Path base = null != xdg && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) :
            Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("karyon").resolve("native");
    }

    /**
     * The library's file in a cache folder, extracted there unless a sound copy is there already; or, if the cache
     * cannot be written, a temporary file deleted when the JVM exits.
     *
     * @param library the library's bytes.
     * @param name    its file name, e.g. "libkaryonnuma.so".
     * @param root    the cache folder.
     * @return the file to load.
     * @throws IOException if neither the cache nor a temporary file can be written.
     */
    static Path extract(final byte[] library, final String name, final Path root) throws IOException
    {
        final String hash = sha256(library);
        final Path file = root.resolve(hash).resolve(name);
        try
        {
            if (Files.isRegularFile(file) && hash.equals(sha256(Files.readAllBytes(file))))
            {
                return file;
            }
            Files.createDirectories(file.getParent());
            final Path part = Files.createTempFile(file.getParent(), name, ".part");
            try
            {
                Files.write(part, library);
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            finally
            {
                Files.deleteIfExists(part);
            }
            if (Arrays.equals(library, Files.readAllBytes(file)))
            {
                return file;
            }
        }
        catch (final IOException | SecurityException | UnsupportedOperationException ex)
        {
            // The cache cannot be used: a temporary copy below.
        }
        final Path temporary = Files.createTempFile(name, ".tmp");
        temporary.toFile().deleteOnExit();
        Files.write(temporary, library);
        return temporary;
    }

    static String sha256(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
