package io.karyon.model;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;
import io.karyon.engine.cell.CellLayout;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Snapshots under {@code snapshots/}: {@code cells-<tick>.csv} (one row per live cell, in slot order: handle,
 * behaviour and the declared fields) and, per declared matrix substance, {@code <name>-<tick>.csv} (the grid, one
 * line per row y, one value per column x; a 3-D grid summed over z) with a PNG heatmap beside it.
 * <p>
 * <b>Note:</b> not threadsafe; the driver writes between ticks. The cells' rows are built per family (a family is
 * walked by one thread) and written in family order.
 */
final class Snapshots
{
    private static final int MIN_IMAGE_SIDE = 256;
    private static final int MAX_IMAGE_SIDE = 2048;

    private final Path dir;
    private final Organism organism;
    private final List<CellLayout.Field> fields;
    private final List<RunObservations.MatrixSnapshot> matrices;
    private final List<String> written = new ArrayList<>();

    Snapshots(final Path dir, final Organism organism, final RunObservations declared)
    {
        this.dir = dir;
        this.organism = organism;
        this.fields = declared.snapshotFields();
        this.matrices = declared.matrixSnapshots();
    }

    /**
     * The files written so far, relative to the output folder, in order.
     */
    List<String> written()
    {
        return written;
    }

    /**
     * Carries on from the files an earlier run wrote into this folder (a resumed run).
     */
    void written(final List<String> earlier)
    {
        written.clear();
        written.addAll(earlier);
    }

    /**
     * The latest heatmap of each matrix snapshot, relative to the output folder.
     */
    List<String> latestHeatmaps()
    {
        final List<String> latest = new ArrayList<>();
        for (final RunObservations.MatrixSnapshot m : matrices)
        {
            String last = null;
            for (final String name : written)
            {
                if (name.startsWith(Outputs.SNAPSHOTS + "/" + m.name() + "-") && name.endsWith(".png"))
                {
                    last = name;
                }
            }
            if (null != last)
            {
                latest.add(last);
            }
        }
        return latest;
    }

    boolean isEmpty()
    {
        return fields.isEmpty() && matrices.isEmpty();
    }

    /**
     * Writes every snapshot of one tick (nothing without an output folder).
     */
    void take(final long tick) throws IOException
    {
        if (null == dir || isEmpty())
        {
            return;
        }
        Files.createDirectories(dir);
        if (!fields.isEmpty())
        {
            cells(dir.resolve("cells-" + tick + ".csv"));
        }
        for (final RunObservations.MatrixSnapshot m : matrices)
        {
            matrix(m, tick);
        }
    }

    private void cells(final Path file) throws IOException
    {
        final String[] behaviours = organism.behaviourNames();
        final StringBuilder[] families = new StringBuilder[Math.max(1, organism.familyCount())];
        final CellSurvey survey = (family, cell) -> row(families, family, cell, behaviours);
        organism.survey(survey);
        final Path part = Outputs.part(file);
        try (Writer writer = Files.newBufferedWriter(part, StandardCharsets.UTF_8))
        {
            writer.write("handle,behaviour");
            for (final CellLayout.Field field : fields)
            {
                if (1 == field.length())
                {
                    writer.write("," + field.name());
                }
                else
                {
                    for (int i = 0; i < field.length(); i++)
                    {
                        writer.write("," + field.name() + "_" + i);
                    }
                }
            }
            writer.write('\n');
            for (final StringBuilder rows : families)
            {
                if (null != rows)
                {
                    writer.append(rows);
                }
            }
        }
        Outputs.publish(part, file);
        written.add(Outputs.SNAPSHOTS + "/" + file.getFileName());
    }

    private void row(
        final StringBuilder[] families, final int family, final CellFlyweight cell, final String[] behaviours)
    {
        StringBuilder rows = families[family];
        if (null == rows)
        {
            rows = new StringBuilder(1 << 16);
            families[family] = rows;
        }
        final int behaviour = cell.behaviourId();
        rows.append(cell.handle()).append(',')
            .append(behaviour >= 0 && behaviour < behaviours.length ? behaviours[behaviour] : "#" + behaviour);
        for (final CellLayout.Field field : fields)
        {
            for (int i = 0; i < field.length(); i++)
            {
                rows.append(',');
                final int offset = field.offset(i);
                switch (field.type())
                {
                    case LONG:
                        rows.append(cell.getLong(offset));
                        break;
                    case DOUBLE:
                        rows.append(Outputs.number(cell.getDouble(offset)));
                        break;
                    case INT:
                        rows.append(cell.getInt(offset));
                        break;
                    default:
                        rows.append(cell.getByte(offset));
                }
            }
        }
        rows.append('\n');
    }

    private void matrix(final RunObservations.MatrixSnapshot m, final long tick) throws IOException
    {
        final int nx = m.matrix().extent(0);
        final int ny = m.matrix().dimensions() > 1 ? m.matrix().extent(1) : 1;
        final int nz = m.matrix().dimensions() > 2 ? m.matrix().extent(2) : 1;
        final double[] grid = new double[nx * ny];
        long site = 0;
        for (int z = 0; z < nz; z++)
        {
            for (int i = 0; i < grid.length; i++)
            {
                grid[i] += m.matrix().read(site++, m.substance());
            }
        }
        final String base = m.name() + "-" + tick;
        final Path csv = dir.resolve(base + ".csv");
        final StringBuilder text = new StringBuilder(grid.length * 8);
        for (int y = 0; y < ny; y++)
        {
            for (int x = 0; x < nx; x++)
            {
                text.append(x > 0 ? "," : "").append(Outputs.number(grid[y * nx + x]));
            }
            text.append('\n');
        }
        Outputs.writeAtomically(csv, text.toString());
        written.add(Outputs.SNAPSHOTS + "/" + csv.getFileName());
        final Path png = dir.resolve(base + ".png");
        final Path part = Outputs.part(png);
        if (!ImageIO.write(heatmap(grid, nx, ny), "png", part.toFile()))
        {
            throw new IOException("no PNG writer");
        }
        Outputs.publish(part, png);
        written.add(Outputs.SNAPSHOTS + "/" + png.getFileName());
    }

    /**
     * A grid as an image, row y = 0 at the top, each site a square of pixels, coloured from dark blue (the lowest
     * value) through green to yellow (the highest).
     */
    static BufferedImage heatmap(final double[] grid, final int nx, final int ny)
    {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (final double v : grid)
        {
            if (Double.isFinite(v))
            {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        final int side = Math.max(nx, ny);
        final int scale = side >= MIN_IMAGE_SIDE ? 1 : (MIN_IMAGE_SIDE + side - 1) / side;
        final int step = side <= MAX_IMAGE_SIDE ? 1 : (side + MAX_IMAGE_SIDE - 1) / MAX_IMAGE_SIDE;
        final int width = Math.max(1, nx * scale / step);
        final int height = Math.max(1, ny * scale / step);
        final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < height; py++)
        {
            final int y = Math.min(ny - 1, py * step / scale);
            for (int px = 0; px < width; px++)
            {
                final int x = Math.min(nx - 1, px * step / scale);
                final double v = grid[y * nx + x];
                final double t = !Double.isFinite(v) ? 0 : hi > lo ? (v - lo) / (hi - lo) : 0.5;
                image.setRGB(px, py, colour(t));
            }
        }
        return image;
    }

    /**
     * A colour on a dark blue, teal, green, yellow scale.
     *
     * @param t in [0, 1].
     * @return RGB.
     */
    static int colour(final double t)
    {
        final double[][] stops = {
            { 0.27, 0.00, 0.33 }, { 0.23, 0.32, 0.55 }, { 0.13, 0.57, 0.55 }, { 0.37, 0.79, 0.38 }, { 0.99, 0.91, 0.14 }
        };
        final double at = Math.max(0, Math.min(1, t)) * (stops.length - 1);
        final int i = Math.min(stops.length - 2, (int)at);
        final double f = at - i;
        int rgb = 0;
        for (int c = 0; c < 3; c++)
        {
            final double v = stops[i][c] + f * (stops[i + 1][c] - stops[i][c]);
            rgb = (rgb << 8) | (int)Math.round(v * 255);
        }
        return rgb;
    }
}
