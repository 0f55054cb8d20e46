package io.karyon.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeSeriesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteEveryRowButKeepAnEvenSampleForCharts() throws IOException
    {
        final Path file = dir.resolve("timeseries.csv");
        final int rows = 3 * TimeSeries.MAX_KEPT + 7;
        try (TimeSeries series = new TimeSeries(new String[]{ "tick", "x" }, file))
        {
            for (int r = 0; r < rows; r++)
            {
                series.add(new double[]{ r, 0.5 * r });
            }
            assertFalse(Files.exists(file), "not in place before the run ends");
            series.finish();
            assertTrue(series.rows() <= TimeSeries.MAX_KEPT);
            assertTrue(series.rows() > TimeSeries.MAX_KEPT / 2);
            final double stride = series.value(1, 0) - series.value(0, 0);
            assertEquals(4.0, stride, "the sample halves twice past 2 x MAX_KEPT rows");
            for (int r = 0; r < series.rows(); r++)
            {
                assertEquals(r * stride, series.value(r, 0));
                assertEquals(0.5 * r * stride, series.value(r, 1));
            }
        }
        final List<String> lines = Files.readAllLines(file);
        assertEquals(rows + 1, lines.size());
        assertEquals("tick,x", lines.get(0));
        assertEquals("3,1.5", lines.get(4));
        assertFalse(Files.exists(dir.resolve("timeseries.csv.part")));
    }
}
