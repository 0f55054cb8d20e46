package io.karyon.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Bytes written as UTF-8 to a {@link Writer}: so that what takes a {@code PrintStream} (a model run's progress)
 * writes to the command line's stderr writer, which tests capture.
 * <p>
 * <b>Note:</b> not threadsafe; text reaches the writer on {@link #flush()} (a {@code PrintStream} made with
 * autoflush flushes every line), whole, as a {@code PrintStream} writes whole characters.
 */
final class WriterOutputStream extends OutputStream
{
    private final Writer writer;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    WriterOutputStream(final Writer writer)
    {
        this.writer = writer;
    }

    public void write(final int b)
    {
        pending.write(b);
    }

    public void write(final byte[] b, final int off, final int len)
    {
        pending.write(b, off, len);
    }

    public void flush() throws IOException
    {
        if (pending.size() > 0)
        {
            final String text = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            writer.write(text);
            writer.flush();
        }
    }

    public void close() throws IOException
    {
        flush();
    }
}
