package io.karyon.matrix;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Makes a file one this process may read but not write, and undoes it on close: without write permission for an
 * ordinary user; for root, whom permissions do not bind, with the immutable attribute ({@code chattr +i}), which binds
 * root too. The test is skipped where neither works.
 */
final class ReadOnlyFile implements AutoCloseable
{
    private final File file;
    private final boolean immutable;

    private ReadOnlyFile(final File file, final boolean immutable)
    {
        this.file = file;
        this.immutable = immutable;
    }

    static ReadOnlyFile of(final File file)
    {
        assumeTrue(file.setWritable(false, false), "cannot clear write permission");
        if (!Files.isWritable(file.toPath()))
        {
            return new ReadOnlyFile(file, false);
        }
        final boolean immutable = 0 == chattr("+i", file);
        assumeTrue(immutable && !Files.isWritable(file.toPath()), "root and no chattr: cannot make a read-only file");
        return new ReadOnlyFile(file, true);
    }

    private static int chattr(final String flag, final File file)
    {
        try
        {
            return new ProcessBuilder("chattr", flag, file.getPath()).inheritIO().start().waitFor();
        }
        catch (final IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Makes the file writable again.
     */
    public void close() throws IOException
    {
        if (immutable)
        {
            chattr("-i", file);
        }
        file.setWritable(true, false);
    }
}
