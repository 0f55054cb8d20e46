package io.karyon.model;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

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
    private final CRC32C crc = new CRC32C();
    private long bytes;

    /**
     * A time series with these columns, written to a file if one is given.
     *
     * @param columns names, {@code tick} first.
     * @param file    the CSV file's final name, or null to keep rows in memory only.
     */
    TimeSeries(final String[] columns, final Path file) throws IOException
    {
        this(columns, file, null);
    }

    /**
     * A time series that carries on from the first rows of an earlier run's file (a resumed run): its file starts with
     * those bytes (header and rows, as checked by {@link #prefix}), and the rows are kept for charts as if added.
     *
     * @param columns names, {@code tick} first.
     * @param file    the CSV file's final name, or null to keep rows in memory only.
     * @param prefix  the earlier file's first bytes, or null to start afresh.
     */
    TimeSeries(final String[] columns, final Path file, final byte[] prefix) throws IOException
    {
        this.columns = columns.clone();
        this.file = file;
        final String header = String.join(",", columns) + "\n";
        if (null != prefix)
        {
            final String text = new String(prefix, StandardCharsets.UTF_8);
            if (!text.startsWith(header))
            {
                throw new IOException((null == file ? "time series" : file.getFileName()) + ": its columns are not " +
                    "this run's: " + header.trim());
            }
            crc.update(prefix, 0, prefix.length);
            bytes = prefix.length;
            keepAll(text.substring(header.length()));
        }
        if (null == file)
        {
            writer = null;
        }
        else
        {
            writer = Files.newBufferedWriter(Outputs.part(file), StandardCharsets.UTF_8);
            if (null != prefix)
            {
                writer.write(new String(prefix, StandardCharsets.UTF_8));
            }
        }
        if (null == prefix)
        {
            write(header);
        }
    }

    /**
     * The first bytes of a time series file, if it has them and they are the ones a checkpoint saw.
     *
     * @param source the file: a finished one, or the temporary one a stopped or failed run left.
     * @param length bytes the checkpoint saw.
     * @param crc    their CRC-32C.
     * @return the bytes, or null if the file is missing, shorter, or holds other bytes.
     */
    static byte[] prefix(final Path source, final long length, final int crc) throws IOException
    {
        if (null == source || !Files.isRegularFile(source) || Files.size(source) < length || length > Integer.MAX_VALUE)
        {
            return null;
        }
        final byte[] prefix = new byte[(int)length];
        try (InputStream in = Files.newInputStream(source))
        {
            if (in.readNBytes(prefix, 0, prefix.length) != prefix.length)
            {
                return null;
            }
        }
        final CRC32C check = new CRC32C();
        check.update(prefix, 0, prefix.length);
        return (int)check.getValue() == crc ? prefix : null;
    }

    private void keepAll(final String rows)
    {
        final double[] row = new double[columns.length];
        int at = 0;
        while (at < rows.length())
        {
            final int end = rows.indexOf('\n', at);
            final String[] cells = rows.substring(at, end < 0 ? rows.length() : end).split(",", -1);
            for (int c = 0; c < row.length; c++)
            {
                row[c] = c >= cells.length || cells[c].isEmpty() ? Double.NaN : Double.parseDouble(cells[c]);
            }
            if (0 == added++ % stride)
            {
                keep(row);
            }
            at = end < 0 ? rows.length() : end + 1;
        }
    }

    private void write(final String text) throws IOException
    {
        final byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        crc.update(encoded, 0, encoded.length);
        bytes += encoded.length;
        if (null != writer)
        {
            writer.write(text);
        }
    }

    /**
     * Bytes of the file so far (header and rows), flushed or not.
     */
    long bytes()
    {
        return bytes;
    }

    /**
     * CRC-32C of those bytes.
     */
    int crc()
    {
        return (int)crc.getValue();
    }

    /**
     * Hands what is written so far to the file system (a checkpoint is about to say how far the file got).
     */
    void flush() throws IOException
    {
        if (null != writer)
        {
            writer.flush();
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
        line.setLength(0);
        for (int i = 0; i < row.length; i++)
        {
            line.append(i > 0 ? "," : "").append(Outputs.number(row[i]));
        }
        line.append('\n');
        write(line.toString());
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
