package io.karyon.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory, read from {@code /proc/self/statm}.
 */
final class Resident
{
    private static final Path STATM = Path.of("/proc/self/statm");
    private static final long PAGE_SIZE = 4096;

    private Resident()
    {
    }

    static boolean isAvailable()
    {
        return Files.isReadable(STATM);
    }

    /**
     * Resident set size in bytes.
     */
    static long bytes()
    {
        try
        {
            final String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + STATM, ex);
        }
    }
}
