package io.karyon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The results of one {@code karyon bench --out DIR} (or several, into the same folder) and their charts: latency
 * percentile curves in the HdrHistogram style (x is 1/(1-p) on a log axis, labelled as percentiles; y is the latency
 * on a log axis), one line per engine; throughput bars per workload and engine; bytes per cell; and an HTML page with
 * them and a table of every figure.
 */
final class Report
{
    /** Width of every chart, in pixels. */
    static final int WIDTH = 960;
    /** Height of every chart, in pixels. */
    static final int HEIGHT = 540;
    static final String INDEX = "index.html";
    static final String THROUGHPUT = "throughput.png";
    /** A result's field naming a {@code .hgrm} file ends so; {@code hgrm} itself is its main latency. */
    private static final String HGRM = "hgrm";
    static final String BYTES_PER_CELL = "bytes-per-cell.png";

    /** How the summaries {@code karyon bench --out DIR} writes end: {@code DIR/<workload>.json}. */
    static final String SUMMARY_SUFFIX = ".json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The saved results cannot be read: missing, empty or corrupt.
     */
    static final class BadResultsException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        BadResultsException(final String message)
        {
            super(message);
        }
    }

    /**
     * One point of a percentile curve.
     *
     * @param inverseTail 1 / (1 - percentile).
     * @param valueUs     latency in microseconds.
     */
    record Point(double inverseTail, double valueUs)
    {
    }

    /** Result lines (with an engine) by workload, in file order. */
    private final Map<String, List<JsonNode>> results = new TreeMap<>();
    /** Ratio lines by workload. */
    private final Map<String, List<JsonNode>> ratios = new TreeMap<>();
    /** Percentile curves by workload, then engine. */
    private final Map<String, Map<String, List<Point>>> latencies = new TreeMap<>();

    private Report()
    {
    }

    /**
     * Reads every {@code *.json} summary in a folder and the {@code .hgrm} files its lines name.
     *
     * @param dir written by {@code karyon bench --out}.
     * @return the results.
     * @throws BadResultsException naming the folder, file and line that is wrong.
     */
    static Report load(final Path dir)
    {
        if (!Files.exists(dir))
        {
            throw new BadResultsException("no such folder: " + dir);
        }
        if (!Files.isDirectory(dir))
        {
            throw new BadResultsException("not a folder: " + dir);
        }
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUMMARY_SUFFIX))
        {
            stream.forEach(files::add);
        }
        catch (final IOException ex)
        {
            throw new BadResultsException("cannot list " + dir + ": " + ex.getMessage());
        }
        if (files.isEmpty())
        {
            throw new BadResultsException("no results in " + dir + " (no <workload>.json files): run karyon bench " +
                "--out " + dir + " first");
        }
        files.sort(null);
        final Report report = new Report();
        for (final Path file : files)
        {
            report.read(dir, file);
        }
        if (report.results.isEmpty())
        {
            throw new BadResultsException("no results in " + dir + ": its .json files hold no result lines");
        }
        return report;
    }

    private void read(final Path dir, final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new BadResultsException("cannot read " + file + ": " + ex.getMessage());
        }
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).isBlank())
            {
                continue;
            }
            final String where = file + " line " + (i + 1);
            final JsonNode json;
            try
            {
                json = MAPPER.readTree(lines.get(i));
            }
            catch (final JsonProcessingException ex)
            {
                throw new BadResultsException(where + " is not valid JSON: " + ex.getOriginalMessage());
            }
            if (!json.isObject() || !json.path("workload").isTextual())
            {
                throw new BadResultsException(where + " is not a result: it has no \"workload\" field");
            }
            final String workload = json.get("workload").asText();
            if (json.path("engine").isTextual())
            {
                results.computeIfAbsent(workload, (k) -> new ArrayList<>()).add(json);
                for (final Iterator<String> names = json.fieldNames(); names.hasNext(); )
                {
                    final String name = names.next();
                    if (name.endsWith(HGRM) && json.get(name).isTextual())
                    {
                        final Path hgrm = dir.resolve(Path.of(json.get(name).asText()).getFileName());
                        latencies.computeIfAbsent(latencyChartName(workload, name), (k) -> new LinkedHashMap<>())
                            .put(json.get("engine").asText(), readHgrm(hgrm, where));
                    }
                }
            }
            else if (json.path("ratio_of").isTextual())
            {
                ratios.computeIfAbsent(workload, (k) -> new ArrayList<>()).add(json);
            }
            else
            {
                throw new BadResultsException(where + " has neither an \"engine\" nor a \"ratio_of\" field");
            }
        }
    }

    /**
     * The rows of an HdrHistogram percentile distribution: value, percentile, total count, 1/(1-percentile); the
     * last row (percentile 1) has no finite 1/(1-percentile) and is left out, as HdrHistogram's plotter does.
     */
    static List<Point> readHgrm(final Path hgrm, final String namedBy)
    {
        if (!Files.isRegularFile(hgrm))
        {
            throw new BadResultsException(namedBy + " names " + hgrm.getFileName() + ", which is not in " +
                hgrm.getParent());
        }
        final List<Point> points = new ArrayList<>();
        try
        {
            for (final String line : Files.readAllLines(hgrm, StandardCharsets.US_ASCII))
            {
                final String[] columns = line.trim().split("\\s+");
                if (columns.length != 4 || line.startsWith("#"))
                {
                    continue;
                }
                try
                {
                    final double value = Double.parseDouble(columns[0]);
                    final double percentile = Double.parseDouble(columns[1]);
                    if (percentile < 1.0)
                    {
                        points.add(new Point(1.0 / (1.0 - percentile), value));
                    }
                }
                catch (final NumberFormatException ex)
                {
                    // the header row
                }
            }
        }
        catch (final IOException ex)
        {
            throw new BadResultsException("cannot read " + hgrm + ": " + ex.getMessage());
        }
        if (points.isEmpty())
        {
            throw new BadResultsException(hgrm + " has no percentile rows: not an HdrHistogram .hgrm file");
        }
        return points;
    }

    /**
     * Writes the charts and the page.
     *
     * @param out folder to write to, created if needed.
     * @return the files written, the page last.
     */
    List<Path> render(final Path out)
    {
        final List<Path> written = new ArrayList<>();
        try
        {
            Files.createDirectories(out);
            for (final Map.Entry<String, Map<String, List<Point>>> entry : latencies.entrySet())
            {
                written.add(save(out, latencyFile(entry.getKey()), latencyChart(entry.getKey(), entry.getValue())));
            }
            final DefaultCategoryDataset throughput = new DefaultCategoryDataset();
            final DefaultCategoryDataset bytes = new DefaultCategoryDataset();
            for (final Map.Entry<String, List<JsonNode>> entry : results.entrySet())
            {
                for (final JsonNode result : entry.getValue())
                {
                    final String rate = rateField(result);
                    if (null != rate)
                    {
                        throughput.addValue(result.get(rate).asDouble(), result.get("engine").asText(),
                            entry.getKey() + " " + rate);
                    }
                    if (result.path("bytes_per_cell").isNumber())
                    {
                        bytes.addValue(result.get("bytes_per_cell").asDouble(), result.get("engine").asText(),
                            entry.getKey());
                    }
                }
            }
            if (throughput.getColumnCount() > 0)
            {
                written.add(save(out, THROUGHPUT, barChart("Throughput per workload (log scale, higher is better)",
                    "per second", throughput, true)));
            }
            if (bytes.getColumnCount() > 0)
            {
                written.add(save(out, BYTES_PER_CELL, barChart("Memory per cell (lower is better)", "bytes per cell",
                    bytes, false)));
            }
            final Path index = out.resolve(INDEX);
            Files.writeString(index, html(written), StandardCharsets.UTF_8);
            written.add(index);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the report to " + out, ex);
        }
        return written;
    }

    /**
     * A latency chart's name: the workload for its {@code hgrm} field, followed by what another field's name says
     * ({@code time_weighted_hgrm} gives "W7 time-weighted").
     */
    static String latencyChartName(final String workload, final String field)
    {
        return HGRM.equals(field) ? workload :
            workload + " " + field.substring(0, field.length() - HGRM.length() - 1).replace('_', '-');
    }

    static String latencyFile(final String chart)
    {
        return "latency-" + chart.replace(' ', '-') + ".png";
    }

    /**
     * The workload's throughput field: its first field named {@code *_per_s}.
     */
    private static String rateField(final JsonNode result)
    {
        for (final Iterator<String> names = result.fieldNames(); names.hasNext(); )
        {
            final String name = names.next();
            if (name.endsWith("_per_s") && result.get(name).isNumber() && result.get(name).asDouble() > 0)
            {
                return name;
            }
        }
        return null;
    }

    private static Path save(final Path out, final String name, final JFreeChart chart) throws IOException
    {
        final Path file = out.resolve(name);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }

    private static JFreeChart latencyChart(final String workload, final Map<String, List<Point>> curves)
    {
        final XYSeriesCollection dataset = new XYSeriesCollection();
        for (final Map.Entry<String, List<Point>> curve : curves.entrySet())
        {
            final XYSeries series = new XYSeries(curve.getKey(), false, true);
            for (final Point point : curve.getValue())
            {
                series.add(point.inverseTail(), Math.max(point.valueUs(), 0.001));
            }
            dataset.addSeries(series);
        }
        final LogAxis percentile = new LogAxis("percentile");
        percentile.setNumberFormatOverride(new PercentileFormat());
        percentile.setSmallestValue(1.0);
        percentile.setTickUnit(new NumberTickUnit(1.0));   // one tick per decade: 0%, 90%, 99%, 99.9%...
        final LogAxis latency = new LogAxis("latency (µs)");
        latency.setSmallestValue(0.001);
        latency.setTickUnit(new NumberTickUnit(1.0));
        latency.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        final XYPlot plot = new XYPlot(dataset, percentile, latency, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final JFreeChart chart = new JFreeChart(workload + " latency by percentile", JFreeChart.DEFAULT_TITLE_FONT,
            plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static JFreeChart barChart(
        final String title, final String unit, final DefaultCategoryDataset dataset, final boolean log)
    {
        final BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        final CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        categories.setMaximumCategoryLabelLines(2);
        final CategoryPlot plot;
        if (log)
        {
            final LogAxis axis = new LogAxis(unit);
            axis.setSmallestValue(1.0);
            axis.setTickUnit(new NumberTickUnit(1.0));
            axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
            renderer.setBase(1.0);
            renderer.setIncludeBaseInRange(false);
            plot = new CategoryPlot(dataset, categories, axis, renderer);
        }
        else
        {
            plot = new CategoryPlot(dataset, categories, new NumberAxis(unit), renderer);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        final JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private String html(final List<Path> charts)
    {
        final StringBuilder sb = new StringBuilder(16 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<title>Karyon benchmark report</title>\n<style>\n")
            .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
            .append("table { border-collapse: collapse; margin: 0.5em 0 1.5em 0; }\n")
            .append("th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: right; }\n")
            .append("th:first-child, td:first-child { text-align: left; }\n")
            .append("img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }\n")
            .append("</style>\n</head>\n<body>\n<h1>Karyon benchmark report</h1>\n")
            .append("<p>Medians of the measured rounds. Ratios above 1 mean Karyon is ahead.</p>\n");
        for (final Path chart : charts)
        {
            final String name = chart.getFileName().toString();
            sb.append("<p><img src=\"").append(escape(name)).append("\" alt=\"").append(escape(name))
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\"></p>\n");
        }
        for (final Map.Entry<String, List<JsonNode>> entry : results.entrySet())
        {
            sb.append("<h2>").append(escape(entry.getKey())).append("</h2>\n");
            table(sb, entry.getValue(), "engine");
            final List<JsonNode> workloadRatios = ratios.get(entry.getKey());
            if (null != workloadRatios)
            {
                table(sb, workloadRatios, "ratio_of");
            }
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /**
     * A table with one column per line (headed by the line's key field) and one row per field.
     */
    private static void table(final StringBuilder sb, final List<JsonNode> lines, final String key)
    {
        final Set<String> fields = new LinkedHashSet<>();
        for (final JsonNode line : lines)
        {
            line.fieldNames().forEachRemaining(fields::add);
        }
        fields.remove("workload");
        fields.remove(key);
        sb.append("<table class=\"").append(key).append("\">\n<tr><th>").append(key).append("</th>");
        for (final JsonNode line : lines)
        {
            sb.append("<th>").append(escape(line.get(key).asText())).append("</th>");
        }
        sb.append("</tr>\n");
        for (final String field : fields)
        {
            sb.append("<tr><td>").append(escape(field)).append("</td>");
            for (final JsonNode line : lines)
            {
                final JsonNode value = line.get(field);
                sb.append("<td>").append(null == value ? "" : escape(figure(value))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /**
     * A value as the table shows it: numbers to 6 significant digits without an exponent where that stays short.
     */
    static String figure(final JsonNode value)
    {
        if (!value.isNumber())
        {
            return value.asText();
        }
        final double number = value.asDouble();
        final double magnitude = Math.abs(number);
        if (value.isIntegralNumber() || !Double.isFinite(number) || (magnitude != 0 && (magnitude < 1e-3 ||
            magnitude >= 1e15)))
        {
            return value.asText();
        }
        return new BigDecimal(number).round(PercentileFormat.DIGITS).stripTrailingZeros().toPlainString();
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Labels a 1/(1-p) axis with the percentile p: 10 is 90%, 1000 is 99.9%.
     */
    static final class PercentileFormat extends NumberFormat
    {
        private static final long serialVersionUID = 1L;
        private static final MathContext DIGITS = new MathContext(6);

        public StringBuffer format(final double number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            final double percent = number <= 1.0 ? 0.0 : 100.0 * (1.0 - 1.0 / number);
            // 1/(1-p) = 10^k has k nines: keep them all, so 10^8 reads 99.999999%, not 100%.
            final int digits = Math.max(3, (int)Math.ceil(Math.log10(Math.max(1.0, number))) + 2);
            return toAppendTo.append(new BigDecimal(percent).round(new MathContext(digits)).stripTrailingZeros()
                .toPlainString()).append('%');
        }

        public StringBuffer format(final long number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            return format((double)number, toAppendTo, pos);
        }

        public Number parse(final String source, final ParsePosition parsePosition)
        {
            throw new UnsupportedOperationException("percentile labels are not parsed");
        }
    }
}
