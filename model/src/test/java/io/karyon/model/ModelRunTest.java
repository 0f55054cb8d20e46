package io.karyon.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karyon.engine.Context;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRunTest
{
    private static final String HEADER = "tick,walkers,idle,energy_sum,energy_mean,energy_min,energy_max," +
        "steps_0,steps_1,steps_2,steps_3,steps_4,tag_sum,energy_lowest,idlers,nutrient,driver_ticks," +
        "cells,spawned,deaths,deaths_normal,deaths_killed,deaths_exception,deaths_corrupt,deaths_shutdown," +
        "deaths_out_of_bounds,deaths_mailbox_overflow,deaths_noproc,deaths_starved,restarts,escalations,dead_letters," +
        "delivered,updates";

    @TempDir
    Path dir;

    /** Slots in a family at chunk shift 6: 32 chunks of 64. */
    static final int FAMILY_SLOTS = 32 << 6;

    /**
     * Small chunks, so that a few thousand cells fill several families, which the workers share.
     */
    static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6)
            .idleStrategy("backoff");
    }

    static ModelRun.Builder walkers(final int workers)
    {
        return ModelRun.builder(new Walkers()).context(context(workers)).seed(42).progress(Progress.NONE);
    }

    @Test
    void shouldWriteEveryOutputAndSummaryLast() throws IOException
    {
        final Path out = dir.resolve("out");
        final ModelRun.Result result = walkers(2).cells(3000).ticks(12).every(4).snapshotEvery(6).out(out).run();

        final List<String> lines = Files.readAllLines(out.resolve("timeseries.csv"));
        assertEquals(HEADER, lines.get(0));
        assertEquals(List.of("0", "4", "8", "12"), lines.subList(1, lines.size()).stream()
            .map((l) -> l.substring(0, l.indexOf(','))).collect(Collectors.toList()), "tick 0, every 4, the last");
        final JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("walkers", summary.get("model").asText());
        assertEquals(String.format("0x%016x", result.digest()), summary.get("digest").asText());
        assertEquals(0.0, summary.get("parameters").get("drift").asDouble());
        assertEquals(12, summary.get("ticks").asLong());
        assertEquals(2, summary.get("workers").asInt());
        assertTrue(summary.get("peak_alive").asLong() > 0);
        final List<String> fields = List.copyOf(result.summary().keySet());
        assertEquals(List.of("model", "parameters", "seed", "workers", "cells", "ticks", "digest", "wall_s"),
            fields.subList(0, 8));
        assertEquals(List.of("peak_alive", "peak_tick"), fields.subList(fields.size() - 2, fields.size()));
        for (final String tick : List.of("0", "6", "12"))
        {
            assertTrue(Files.exists(out.resolve("snapshots/cells-" + tick + ".csv")), tick);
            assertTrue(Files.exists(out.resolve("snapshots/nutrient-" + tick + ".csv")), tick);
            assertTrue(Files.size(out.resolve("snapshots/nutrient-" + tick + ".png")) > 100, tick);
        }
        assertEquals(10, Files.readAllLines(out.resolve("snapshots/nutrient-12.csv")).size(), "one line per row y");
        assertEquals("handle,behaviour,steps,energy",
            Files.readAllLines(out.resolve("snapshots/cells-0.csv")).get(0));
        assertEquals(3001, Files.readAllLines(out.resolve("snapshots/cells-0.csv")).size(), "a row per live cell");
        final String html = Files.readString(out.resolve("report.html"));
        final Matcher images = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        int found = 0;
        while (images.find())
        {
            assertTrue(Files.size(out.resolve(images.group(1))) > 100, images.group(1));
            found++;
        }
        assertTrue(found > 15, "a chart per observation and the heatmap: " + found);
        assertTrue(html.contains("peak_alive"));
        try (Stream<Path> files = Files.walk(out))
        {
            assertEquals(List.of(), files.filter((p) -> p.toString().endsWith(".part")).collect(Collectors.toList()));
        }
    }

    @Test
    void shouldGiveIdenticalOutputsForOneTwoAndThreeWorkers() throws IOException
    {
        final long[] digests = new long[3];
        final byte[][] series = new byte[3][];
        final byte[][] cells = new byte[3][];
        final byte[][] nutrient = new byte[3][];
        final int population = 3 * FAMILY_SLOTS - 100;  // three families: each worker count splits them differently
        for (int w = 1; w <= 3; w++)
        {
            final Path out = dir.resolve("w" + w);
            digests[w - 1] = walkers(w).cells(population).ticks(15).snapshotEvery(5).set("drift", -0.05).out(out).run()
                .digest();
            series[w - 1] = Files.readAllBytes(out.resolve("timeseries.csv"));
            cells[w - 1] = Files.readAllBytes(out.resolve("snapshots/cells-15.csv"));
            nutrient[w - 1] = Files.readAllBytes(out.resolve("snapshots/nutrient-15.csv"));
        }
        for (int w = 2; w <= 3; w++)
        {
            assertEquals(digests[0], digests[w - 1], "digest, workers=" + w);
            assertArrayEquals(series[0], series[w - 1], "timeseries.csv, workers=" + w);
            assertArrayEquals(cells[0], cells[w - 1], "cells snapshot, workers=" + w);
            assertArrayEquals(nutrient[0], nutrient[w - 1], "nutrient snapshot, workers=" + w);
        }
        final String text = new String(series[0], StandardCharsets.UTF_8);
        assertTrue(text.contains("."), "the run has fractional values, so the test can tell orders of addition apart");
    }

    @Test
    void shouldObserveWhatAScalarWalkFinds() throws IOException
    {
        final Path out = dir.resolve("out");
        walkers(2).cells(1000).ticks(10).set("drift", -0.1).snapshotEvery(10).out(out).run();
        final List<String> lines = Files.readAllLines(out.resolve("timeseries.csv"));
        final List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        final String[] last = lines.get(lines.size() - 1).split(",", -1);
        final List<String> cells = Files.readAllLines(out.resolve("snapshots/cells-10.csv"));
        long walkers = 0;
        double energySum = 0;
        double energyMin = Double.POSITIVE_INFINITY;
        final long[] bins = new long[5];
        for (final String row : cells.subList(1, cells.size()))
        {
            final String[] f = row.split(",");
            if ("walker".equals(f[1]))
            {
                walkers++;
                final double energy = Double.parseDouble(f[3]);
                energySum += energy;
                energyMin = Math.min(energyMin, energy);
                bins[(int)Math.min(4, Long.parseLong(f[2]) / 5)]++;
            }
        }
        assertEquals(walkers, Long.parseLong(last[header.indexOf("walkers")]));
        assertEquals(cells.size() - 1, Long.parseLong(last[header.indexOf("cells")]));
        assertEquals(200, Long.parseLong(last[header.indexOf("idle")]), "idle cells never die");
        assertEquals(200, Long.parseLong(last[header.indexOf("idlers")]), "the group of idle cells");
        assertEquals(energySum, Double.parseDouble(last[header.indexOf("energy_sum")]), 1e-9);
        assertEquals(energyMin, Double.parseDouble(last[header.indexOf("energy_min")]));
        for (int b = 0; b < 5; b++)
        {
            assertEquals(bins[b], Long.parseLong(last[header.indexOf("steps_" + b)]), "bin " + b);
        }
        assertEquals(1000 - walkers - 200, Long.parseLong(last[header.indexOf("deaths_starved")]));
        assertEquals(10, Long.parseLong(last[header.indexOf("driver_ticks")]));
        assertTrue(Double.parseDouble(last[header.indexOf("nutrient")]) > 0);
    }

    @Test
    void shouldStopWhenTheModelSays()
    {
        final ModelRun.Result result = walkers(1).cells(500).ticks(1000).set("stop_below", 450).set("drift", -0.3)
            .run();
        final long ticks = (Long)result.summary().get("ticks");
        assertTrue(ticks > 0 && ticks < 1000, "stopped early at " + ticks);
        assertEquals(Boolean.TRUE, result.summary().get("stopped"));
        assertEquals(null, result.out());
    }

    @Test
    void shouldRefuseAnUnknownParameterBeforeRunning()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> walkers(1).set("beta", "0.1").run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("model walkers: beta: no such parameter; the model has drift, stop_below, fail, fail_at",
            ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "drift|abc|drift: expected a number in [-1, 1], got \"abc\"",
        "drift|-1.5|drift: expected a number in [-1, 1], got -1.5",
        "stop_below|1.5|stop_below: expected an integer in [0, 9223372036854775807], got \"1.5\"",
        "fail|yes|fail: expected true or false, got \"yes\"" })
    void shouldRefuseValuesThatDoNotFit(final String name, final String value, final String message)
    {
        final ModelException ex = assertThrows(ModelException.class, () -> walkers(1).set(name, value).run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("model walkers: " + message, ex.getMessage());
    }

    @Test
    void shouldRefuseAValueOutOfRangeAndLetTheLastSetWin()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> walkers(1).set("drift", "2").run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertEquals("model walkers: drift: expected a number in [-1, 1], got 2.0", ex.getMessage());
        final ModelRun.Result result = walkers(1).cells(10).ticks(1).set("drift", "2").set("drift", 0.5).run();
        assertEquals(0.5, ((java.util.Map<?, ?>)result.summary().get("parameters")).get("drift"));
    }

    @Test
    void shouldRefuseAnUnwritableOutBeforeRunning() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("file"), "x");
        final ModelException ex = assertThrows(ModelException.class,
            () -> walkers(1).out(file.resolve("out")).run());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertTrue(ex.getMessage().startsWith("walkers: --out " + file.resolve("out") + ": cannot write there ("),
            ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"));
        final ModelException notFolder = assertThrows(ModelException.class, () -> walkers(1).out(file).run());
        assertEquals("walkers: --out " + file + ": not a folder", notFolder.getMessage());
    }

    @Test
    void shouldReportAModelThatFailsInSetUpAndLeaveAnEarlierRunsOutputsAsTheyWere() throws IOException
    {
        final Path out = dir.resolve("out");
        walkers(1).cells(100).ticks(3).out(out).run();
        final byte[] summary = Files.readAllBytes(out.resolve("summary.json"));
        final byte[] series = Files.readAllBytes(out.resolve("timeseries.csv"));
        final ModelException ex = assertThrows(ModelException.class,
            () -> walkers(1).set("fail", true).out(out).run());
        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode());
        assertEquals("model walkers failed during set-up: boom", ex.getMessage());
        // This run wrote nothing into the folder, so the earlier run's summary still says what is there.
        assertArrayEquals(summary, Files.readAllBytes(out.resolve("summary.json")), "the earlier run's summary");
        assertArrayEquals(series, Files.readAllBytes(out.resolve("timeseries.csv")));
        assertFalse(Files.exists(out.resolve("timeseries.csv.part")));
    }

    @Test
    void shouldLeaveAnEarlierRunsSummaryWhenOnlyCheckedForALauncher() throws IOException
    {
        final Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), "{}");
        walkers(1).out(out).check();  // what a --shards launcher does before it starts the shards
        assertEquals("{}", Files.readString(out.resolve("summary.json")));
    }

    @Test
    void shouldReportAModelThatFailsWhileRunningAndLeaveNothingThatLooksComplete() throws IOException
    {
        final Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), "{}");
        final ModelException ex = assertThrows(ModelException.class,
            () -> walkers(2).ticks(10).set("fail_at", 4).snapshotEvery(2).out(out).run());
        assertEquals(ModelException.EXIT_FAILURE, ex.exitCode());
        assertEquals("model walkers failed at tick 4: failed on purpose after tick 4", ex.getMessage());
        assertFalse(Files.exists(out.resolve("summary.json")), "an earlier run's summary is gone: next to this " +
            "run's half-written files it would read as this run's");
        assertFalse(Files.exists(out.resolve("timeseries.csv")));
        assertFalse(Files.exists(out.resolve("report.html")));
        assertEquals(5, Files.readAllLines(out.resolve("timeseries.csv.part")).size(), "header, ticks 0 to 3");
        assertTrue(Files.exists(out.resolve("snapshots/cells-2.csv")), "finished snapshots stay, named by tick");
    }

    @Test
    void shouldRefuseBadRunSettings()
    {
        assertEquals("model walkers: every must be >= 1: every=0",
            assertThrows(ModelException.class, () -> walkers(1).every(0).run()).getMessage());
        assertEquals("model walkers: cells must be >= 1: cells=0",
            assertThrows(ModelException.class, () -> walkers(1).cells(0).run()).getMessage());
        assertEquals("model walkers: ticks must be >= 1 (0 for the model's default): ticks=-3",
            assertThrows(ModelException.class, () -> walkers(1).ticks(-3).run()).getMessage());
    }

    @Test
    void shouldPrintTheSummaryAsJsonOrText()
    {
        final ModelRun.Result result = walkers(1).cells(100).ticks(3).json(true).run();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        result.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String json = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"model\":\"walkers\",\"parameters\":{\"drift\":0.0,"), json);
        assertEquals(1, json.split("\n").length);
        assertTrue(result.toText().contains("  digest "), result.toText());
    }

    @Test
    void shouldPrintPlainProgressLines()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        walkers(1).cells(100).ticks(3).progress(Progress.PLAIN)
            .progressTo(new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        // A 3-tick run ends before the first plain line is due, and a plain line is never redrawn in place.
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"));
    }
}
