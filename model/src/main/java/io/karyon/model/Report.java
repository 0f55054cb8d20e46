package io.karyon.model;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: the summary as a table, a chart of every time-series column (PNGs made with JFreeChart under
 * {@code charts/}, related columns sharing a chart) and the latest heatmap of each matrix snapshot; it refers only to
 * files beside it, so it opens from the folder offline.
 * <p>
 * <b>Note:</b> not threadsafe; the driver writes it once, at the end.
 */
final class Report
{
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final int MAX_LEGEND = 16;

    /**
     * One chart: a title and the columns it draws.
     */
    record Chart(String title, List<String> columns)
    {
    }

    private Report()
    {
    }

    /**
     * The charts for a run's columns: one per declared observation (a field's sum apart from its mean, min and max;
     * a histogram's bins together; a reduction's columns each alone), then the engine's, then the latencies.
     */
    static List<Chart> charts(final List<RunObservations.Item> items, final String[] engineColumns)
    {
        final List<Chart> charts = new ArrayList<>();
        for (final RunObservations.Item item : items)
        {
            final List<String> columns = Arrays.asList(item.columns);
            switch (item.kind)
            {
                case FIELD:
                    charts.add(new Chart(item.columns[0], List.of(item.columns[0])));
                    charts.add(new Chart(item.columns[1] + ", min, max", columns.subList(1, 3)));
                    break;
                case HISTOGRAM:
                    charts.add(new Chart(prefix(item.columns[0]) + " histogram", columns));
                    break;
                case REDUCTION:
                    for (final String column : columns)
                    {
                        charts.add(new Chart(column, List.of(column)));
                    }
                    break;
                default:
                    charts.add(new Chart(item.columns[0], columns));
            }
        }
        final List<String> deaths = new ArrayList<>();
        for (final String column : engineColumns)
        {
            if (column.startsWith("deaths_"))
            {
                deaths.add(column);
            }
            else if ("deaths".equals(column))
            {
                charts.add(new Chart("deaths (all reasons)", List.of(column)));
            }
            else
            {
                if (!deaths.isEmpty())
                {
                    charts.add(new Chart("deaths by reason", List.copyOf(deaths)));
                    deaths.clear();
                }
                charts.add(new Chart(column, List.of(column)));
            }
        }
        return charts;
    }

    private static String prefix(final String column)
    {
        return column.substring(0, column.lastIndexOf('_'));
    }

    /**
     * Writes the charts and the page.
     *
     * @param dir       output folder.
     * @param title     of the page.
     * @param summary   of the run.
     * @param series    the time series.
     * @param charts    of the model's and the engine's columns.
     * @param latency   the latency series.
     * @param heatmaps  latest heatmaps, relative to dir.
     * @param snapshots every snapshot file, relative to dir.
     */
    static void write(
        final Path dir,
        final String title,
        final Map<String, Object> summary,
        final TimeSeries series,
        final List<Chart> charts,
        final TimeSeries latency,
        final List<String> heatmaps,
        final List<String> snapshots) throws IOException
    {
        Files.createDirectories(dir.resolve(Outputs.CHARTS));
        final StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .append(escape(title)).append("</title>\n<style>body{font-family:sans-serif;margin:2em}")
            .append("table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 8px;font-size:90%}")
            .append("img{margin:4px;border:1px solid #eee}</style></head><body>\n<h1>")
            .append(escape(title)).append("</h1>\n<h2>Summary</h2>\n<table>\n");
        for (final Map.Entry<String, Object> e : summary.entrySet())
        {
            html.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
                .append(escape(Outputs.show(e.getValue()))).append("</td></tr>\n");
        }
        html.append("</table>\n<h2>Time series</h2>\n<p>Every column of <a href=\"").append(Outputs.TIMESERIES)
            .append("\">").append(Outputs.TIMESERIES).append("</a>, against the tick.</p>\n");
        int n = 0;
        for (final Chart chart : charts)
        {
            html.append(image(dir, chart, series, n++));
        }
        html.append("<h2>Tick latency</h2>\n<p>From <a href=\"").append(Outputs.LATENCY).append("\">")
            .append(Outputs.LATENCY).append("</a>: the mean time of a tick between two observations, and the time ")
            .append("one observation took, in nanoseconds (these vary from run to run).</p>\n");
        html.append(image(dir, new Chart("latency (ns)", List.of(latency.columns()).subList(1, 3)), latency, n));
        if (!heatmaps.isEmpty() || !snapshots.isEmpty())
        {
            html.append("<h2>Snapshots</h2>\n");
            for (final String heatmap : heatmaps)
            {
                html.append("<figure><img src=\"").append(escape(heatmap)).append("\" alt=\"").append(escape(heatmap))
                    .append("\"><figcaption>").append(escape(heatmap)).append("</figcaption></figure>\n");
            }
            html.append("<ul>\n");
            for (final String file : snapshots)
            {
                html.append("<li><a href=\"").append(escape(file)).append("\">").append(escape(file))
                    .append("</a></li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("</body></html>\n");
        Outputs.writeAtomically(dir.resolve(Outputs.REPORT), html.toString());
    }

    private static String image(final Path dir, final Chart chart, final TimeSeries series, final int n)
        throws IOException
    {
        final String file = Outputs.CHARTS + "/" + String.format(Locale.ROOT, "%03d-", n) +
            chart.title().replaceAll("[^A-Za-z0-9_.-]+", "_") + ".png";
        final Path png = dir.resolve(file);
        final Path part = Outputs.part(png);
        ChartUtils.saveChartAsPNG(part.toFile(), chart(chart, series), WIDTH, HEIGHT);
        Outputs.publish(part, png);
        return "<img src=\"" + escape(file) + "\" alt=\"" + escape(chart.title()) + "\" width=\"" + WIDTH +
            "\" height=\"" + HEIGHT + "\">\n";
    }

    private static JFreeChart chart(final Chart chart, final TimeSeries series)
    {
        final List<String> columns = Arrays.asList(series.columns());
        final XYSeriesCollection data = new XYSeriesCollection();
        for (final String column : chart.columns())
        {
            final int c = columns.indexOf(column);
            final XYSeries xy = new XYSeries(column, false, true);
            for (int r = 0; r < series.rows(); r++)
            {
                final double v = series.value(r, c);
                if (!Double.isNaN(v))
                {
                    xy.add(series.value(r, 0), v, false);
                }
            }
            data.addSeries(xy);
        }
        final boolean legend = chart.columns().size() > 1 && chart.columns().size() <= MAX_LEGEND;
        return ChartFactory.createXYLineChart(chart.title(), "tick", null, data, PlotOrientation.VERTICAL, legend,
            false, false);
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
