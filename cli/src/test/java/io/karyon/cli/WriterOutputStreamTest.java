package io.karyon.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WriterOutputStreamTest
{
    @Test
    void shouldPassEachPrintToTheWriterAsWholeUtf8Text()
    {
        final StringWriter writer = new StringWriter();
        final PrintStream stream = new PrintStream(new WriterOutputStream(writer), true, StandardCharsets.UTF_8);

        // An autoflush PrintStream flushes every print: a progress bar redrawn with \r shows at once.
        stream.print("\rtick 5 \u2588\u2588 caf\u00e9");
        assertEquals("\rtick 5 \u2588\u2588 caf\u00e9", writer.toString());
        stream.println(" ETA 3 s");
        assertEquals("\rtick 5 \u2588\u2588 caf\u00e9 ETA 3 s" + System.lineSeparator(), writer.toString());
    }

    @Test
    void shouldKeepBytesUntilFlushed() throws Exception
    {
        final StringWriter writer = new StringWriter();
        final WriterOutputStream stream = new WriterOutputStream(writer);
        final byte[] snow = "\u2603".getBytes(StandardCharsets.UTF_8);

        stream.write(snow, 0, 2);
        assertEquals("", writer.toString());
        stream.write(snow[2]);
        stream.flush();
        assertEquals("\u2603", writer.toString());
    }
}
