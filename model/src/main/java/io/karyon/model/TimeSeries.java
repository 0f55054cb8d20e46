package io.karyon.model;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The rows a run observes: written to a CSV file as they come (under its temporary name until the run ends) and kept
 * for the report's charts. Past {@link #MAX_KEPT} rows only every other kept row stays, so a long run's charts still
 * fit in memory; the file has every row.
 * <p>
 * <b>Note:</b> not threadsafe; the driver adds rows.
 */
final class TimeSeries implements Closeable
{
    /** Most rows kept in memory for charts. */
    static final int MAX_KEPT = 20_000;

    private final String[] columns;
    private final Path file;
    private final BufferedWriter writer;
    private final StringBuilder line = new StringBuilder(256);
    private double[] kept = new double[0];
    private int rows;
    private long stride = 1;
    private long added;

    /**
     * A time series with these columns, written to a file if one is given.
     *
     * @param columns names, {@code tick} first.
     * @param file    the CSV file's final name, or null to keep rows in memory only.
     */
    TimeSeries(final String[] columns, final Path file) throws IOException
    {
        this.columns = columns.clone();
        this.file = file;
        if (null == file)
        {
            writer = null;
        }
        else
        {
            writer = Files.newBufferedWriter(Outputs.part(file), StandardCharsets.UTF_8);
            writer.write(String.join(",", columns));
            writer.write('\n');
        }
    }

    String[] columns()
    {
        return columns;
    }

    /**
     * Adds a row: one value per column.
     */
    void add(final double[] row) throws IOException
    {
        if (null != writer)
        {
            line.setLength(0);
            for (int i = 0; i < row.length; i++)
            {
                line.append(i > 0 ? "," : "").append(Outputs.number(row[i]));
            }
            line.append('\n');
            writer.append(line);
        }
        if (0 == added++ % stride)
        {
            keep(row);
        }
    }

    private void keep(final double[] row)
    {
        final int width = columns.length;
        if (rows == MAX_KEPT)
        {
            for (int r = 0; r < rows / 2; r++)
            {
                System.arraycopy(kept, 2 * r * width, kept, r * width, width);
            }
            rows /= 2;
            stride *= 2;
        }
        if ((rows + 1) * width > kept.length)
        {
            kept = Arrays.copyOf(kept, Math.max(width, kept.length * 2));
        }
        System.arraycopy(row, 0, kept, rows * width, width);
        rows++;
    }

    /**
     * Rows kept for charts.
     */
    int rows()
    {
        return rows;
    }

    /**
     * A kept value.
     */
    double value(final int row, final int column)
    {
        return kept[row * columns.length + column];
    }

    /**
     * Ends the file and moves it into place.
     */
    void finish() throws IOException
    {
        if (null != writer)
        {
            writer.close();
            Outputs.publish(Outputs.part(file), file);
        }
    }

    /**
     * Closes the file without moving it into place (a failed run leaves only the temporary name).
     */
    public void close() throws IOException
    {
        if (null != writer)
        {
            writer.close();
        }
    }
}
