package io.karyon.model;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressMeterTest
{
    @Test
    void shouldFormatAPlainLine()
    {
        assertEquals("sir  tick 1,200/10,000  12.0%  cells 1,000,000  100.0 ticks/s  ETA 0:01:28",
            ProgressMeter.line("sir", 1200, 10_000, 1_000_000, 12.0, false));
    }

    @Test
    void shouldFormatABar()
    {
        assertEquals("tissue [############............]  tick 50/100  50.0%  cells 7  5.0 ticks/s  ETA 0:00:10",
            ProgressMeter.line("tissue", 50, 100, 7, 10.0, true));
    }

    @Test
    void shouldSayTheEtaIsUnknownBeforeAnyTick()
    {
        assertTrue(ProgressMeter.line("m", 0, 100, 0, 0.0, false).endsWith("0.0 ticks/s  ETA ?"));
    }

    @Test
    void shouldFormatLongDurations()
    {
        assertEquals("27:46:40", ProgressMeter.duration(100_000));
        assertEquals("0:00:00", ProgressMeter.duration(-3));
    }

    @Test
    void shouldRedrawInPlaceOnATerminalOnly()
    {
        final ByteArrayOutputStream bar = new ByteArrayOutputStream();
        final ProgressMeter terminal = new ProgressMeter("m", Progress.AUTO, true,
            new PrintStream(bar, true, StandardCharsets.UTF_8), 10);
        terminal.start(0);
        assertFalse(terminal.isDue(ProgressMeter.BAR_INTERVAL_NS - 1));
        assertTrue(terminal.isDue(ProgressMeter.BAR_INTERVAL_NS));
        terminal.show(5, 3, 1_000_000_000L);
        terminal.finish(10, 3, 2_000_000_000L);
        final String drawn = bar.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.startsWith("\rm ["), drawn);
        assertTrue(drawn.endsWith("ETA 0:00:00\u001b[K" + System.lineSeparator()), drawn);

        final ByteArrayOutputStream plain = new ByteArrayOutputStream();
        final ProgressMeter pipe = new ProgressMeter("m", Progress.AUTO, false,
            new PrintStream(plain, true, StandardCharsets.UTF_8), 10);
        pipe.start(0);
        assertFalse(pipe.isDue(ProgressMeter.BAR_INTERVAL_NS), "a plain line every 5 s");
        assertTrue(pipe.isDue(ProgressMeter.PLAIN_INTERVAL_NS));
        pipe.show(5, 3, 1_000_000_000L);
        pipe.finish(10, 3, 2_000_000_000L);
        assertEquals("m  tick 5/10  50.0%  cells 3  5.0 ticks/s  ETA 0:00:01" + System.lineSeparator(),
            plain.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintNothingWhenQuiet()
    {
        final ByteArrayOutputStream none = new ByteArrayOutputStream();
        final ProgressMeter quiet = new ProgressMeter("m", Progress.NONE, true,
            new PrintStream(none, true, StandardCharsets.UTF_8), 10);
        quiet.start(0);
        assertFalse(quiet.isDue(Long.MAX_VALUE / 2));
        quiet.finish(10, 3, 2_000_000_000L);
        assertEquals(0, none.size());
    }
}
