package io.karyon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code karyon report DIR} renders a small saved result (W2 and W3 with both peers, committed as test resources).
 */
@Timeout(60)
class ReportCommandTest
{
    private static final List<String> SAVED = List.of(
        "W2.json", "W3.json", "W3.hgrm", "W3-jvm-objects.hgrm", "W3-pekko.hgrm");

    @TempDir
    Path results;

    @TempDir
    Path out;

    @BeforeEach
    void copySavedResults() throws IOException
    {
        for (final String name : SAVED)
        {
            try (InputStream in = ReportCommandTest.class.getResourceAsStream("report/" + name))
            {
                assertNotNull(in, "test resource report/" + name);
                Files.copy(in, results.resolve(name));
            }
        }
    }

    @Test
    void shouldRenderChartsAndAPageFromSavedResults() throws IOException
    {
        final CommandRun run = CommandRun.karyon("report", results.toString(), "--out", out.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final List<String> charts = List.of("latency-W3.png", "throughput.png");
        for (final String name : charts)
        {
            final Path png = out.resolve(name);
            assertTrue(run.out().contains(png.toString()), run.out());
            final BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, name + " is not an image ImageIO can decode");
            assertEquals(Report.WIDTH, image.getWidth(), name);
            assertEquals(Report.HEIGHT, image.getHeight(), name);
        }
        assertFalse(Files.exists(out.resolve("latency-W2.png")), "W2 measures no latency, so it has no curve");
        assertFalse(Files.exists(out.resolve("bytes-per-cell.png")), "no W1 in the results");

        final String html = Files.readString(out.resolve("index.html"));
        for (final String name : charts)
        {
            assertTrue(html.contains("<img src=\"" + name + "\""), html);
        }
        assertTrue(html.contains("<table class=\"engine\">"), html);
        assertTrue(html.contains("<th>karyon</th><th>jvm-objects</th><th>pekko</th>"), html);
        assertTrue(html.contains("<tr><td>hops_per_s</td><td>3269940</td><td>10321600</td><td>3819300</td></tr>"),
            html);
        assertTrue(html.contains("<td>ratio_vs_pekko</td><td>101.245</td>"), html);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
            "the page must be self-contained");
    }

    @Test
    void shouldDrawOneChartPerHistogramFieldOfAResult() throws IOException
    {
        Files.copy(results.resolve("W3.hgrm"), results.resolve("W7.hgrm"));
        Files.copy(results.resolve("W3-pekko.hgrm"), results.resolve("W7-by-time.hgrm"));
        Files.writeString(results.resolve("W7.json"), "{\"workload\":\"W7\",\"engine\":\"karyon\",\"pairs\":10," +
            "\"p99_us\":3.1,\"time_weighted_p99_us\":4.2,\"hgrm\":\"x/W7.hgrm\"," +
            "\"time_weighted_hgrm\":\"x/W7-by-time.hgrm\"}\n");

        final CommandRun run = CommandRun.karyon("report", results.toString(), "--out", out.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        final String html = Files.readString(out.resolve("index.html"));
        for (final String name : List.of("latency-W7.png", "latency-W7-time-weighted.png"))
        {
            assertNotNull(ImageIO.read(out.resolve(name).toFile()), name);
            assertTrue(html.contains("<img src=\"" + name + "\""), html);
        }
    }

    @Test
    void shouldWriteNextToTheResultsWithoutOut()
    {
        final CommandRun run = CommandRun.karyon("report", results.toString());

        assertEquals(Cli.EXIT_OK, run.exitCode(), run.err());
        assertTrue(Files.isRegularFile(results.resolve("index.html")));
        assertTrue(Files.isRegularFile(results.resolve("latency-W3.png")));
    }

    @Test
    void shouldRefuseAnOutputFolderItCannotWriteBeforeDrawingAnything() throws IOException
    {
        final Path file = Files.writeString(out.resolve("taken"), "a file where the charts would go");

        final CommandRun run = CommandRun.karyon("report", results.toString(), "--out", file.toString());

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("karyon report: Invalid value for option '--out': cannot write files in " + file +
            " (not a folder) (see --help)", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void shouldRejectAMissingFolder()
    {
        final Path missing = results.resolve("nope");
        assertBadInput(CommandRun.karyon("report", missing.toString()), "no such folder: " + missing);
    }

    @Test
    void shouldRejectAFolderWithoutResults() throws IOException
    {
        final Path empty = Files.createDirectory(out.resolve("empty"));
        assertBadInput(CommandRun.karyon("report", empty.toString()),
            "no results in " + empty + " (no <workload>.json files): run karyon bench --out " + empty + " first");
    }

    @Test
    void shouldRejectCorruptJsonNamingFileAndLine() throws IOException
    {
        final Path w2 = results.resolve("W2.json");
        final List<String> lines = Files.readAllLines(w2);
        Files.write(w2, List.of(lines.get(0), lines.get(1).substring(0, 40)));

        final CommandRun run = CommandRun.karyon("report", results.toString());

        assertBadInput(run, null);
        assertTrue(run.err().startsWith("karyon report: " + w2 + " line 2 is not valid JSON: "), run.err());
    }

    @Test
    void shouldRejectALineThatIsNotAResult() throws IOException
    {
        final Path w2 = results.resolve("W2.json");
        Files.writeString(w2, "{\"engine\":\"karyon\"}\n");
        assertBadInput(CommandRun.karyon("report", results.toString()),
            w2 + " line 1 is not a result: it has no \"workload\" field");
    }

    @Test
    void shouldRejectAMissingPercentileFile() throws IOException
    {
        Files.delete(results.resolve("W3-pekko.hgrm"));
        assertBadInput(CommandRun.karyon("report", results.toString()),
            results.resolve("W3.json") + " line 3 names W3-pekko.hgrm, which is not in " + results);
    }

    private static void assertBadInput(final CommandRun run, final String message)
    {
        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        if (null != message)
        {
            assertEquals("karyon report: " + message + " (see --help)", run.err().strip());
        }
    }
}
