package example.predatorprey;

import io.karyon.engine.Context;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class PredatorPreyModelTest
{
    private static Context context(final int workers)
    {
        return new Context().workerCount(workers).idleStrategy("backoff").pin(false);
    }

    private static ModelRun.Builder run(final int workers, final long ticks)
    {
        return ModelRun.builder(new PredatorPreyModel()).context(context(workers)).seed(11).ticks(ticks)
            .progress(Progress.NONE);
    }

    // A summary value: a Long when it is a whole number, a Double otherwise.
    private static double number(final ModelRun.Result result, final String field)
    {
        return ((Number)result.summary().get(field)).doubleValue();
    }

    @Test
    void shouldBeFoundByServiceLoaderAsUsersJarsAre()
    {
        final ModelCatalog catalog = ModelCatalog.load(PredatorPreyModelTest.class.getClassLoader());

        assertInstanceOf(PredatorPreyModel.class, catalog.find("predator-prey"));
    }

    @Test
    void shouldWriteTheTimeSeriesSummaryAndReport(@TempDir final Path dir) throws IOException
    {
        final Path out = dir.resolve("out");
        final ModelRun.Result result = run(2, 200).out(out).run();

        final List<String> rows = Files.readAllLines(out.resolve("timeseries.csv"));
        assertTrue(rows.get(0).startsWith("tick,prey,predators,patch_prey_sum,patch_prey_mean,patch_prey_min," +
            "patch_prey_max,"), rows.get(0));
        assertEquals(1 + 201, rows.size(), "a header, then ticks 0 to 200");
        final String[] last = rows.get(rows.size() - 1).split(",");
        assertEquals("200", last[0]);
        assertEquals(number(result, "prey"), Double.parseDouble(last[1]), "prey: series and summary");
        assertEquals(number(result, "predators"), Double.parseDouble(last[2]));
        assertTrue(number(result, "prey") > 0 && number(result, "predators") > 0);
        assertEquals(-1.0, number(result, "extinction_tick"), "predators live on");
        assertEquals(64L, ((Number)result.summary().get("cells")).longValue());

        final String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"model\":\"predator-prey\"") || summary.contains("\"model\" : \"predator-prey\""),
            summary);
        assertTrue(summary.contains(String.format("0x%016x", result.digest())), summary);
        assertTrue(Files.size(out.resolve("report.html")) > 0, "report.html");
    }

    @Test
    void shouldRunTheSameOnOneWorkerAsOnTwo(@TempDir final Path dir) throws IOException
    {
        final ModelRun.Result one = run(1, 300).set("prey_migration", "0.2").cells(100).out(dir.resolve("1")).run();
        final ModelRun.Result two = run(2, 300).set("prey_migration", "0.2").cells(100).out(dir.resolve("2")).run();

        assertEquals(one.digest(), two.digest(), "digest");
        assertArrayEquals(Files.readAllBytes(dir.resolve("1/timeseries.csv")),
            Files.readAllBytes(dir.resolve("2/timeseries.csv")), "timeseries.csv");
        assertEquals(one.summary().get("prey"), two.summary().get("prey"));
    }

    @Test
    void shouldMatchTheOrganismDrivenByHand()
    {
        final long byModel = run(2, 300).run().digest();
        try (PredatorPrey byHand = new PredatorPrey(context(2).seed(11), PredatorPrey.Parameters.defaults()))
        {
            byHand.run(300);
            assertEquals(byHand.digest(), byModel);
        }
    }

    @Test
    void shouldStopOnceThePredatorsHaveDiedOut()
    {
        // Predators that die every tick and are never born: none is left after the first tick.
        final ModelRun.Result result = run(2, 500).set("predator_death", 1.0).set("conversion", 0.0).run();

        assertEquals(Boolean.TRUE, result.summary().get("stopped"));
        assertEquals(1L, ((Number)result.summary().get("ticks")).longValue());
        assertEquals(0.0, number(result, "predators"));
        assertTrue(number(result, "extinction_tick") >= 0);
    }

    @Test
    void shouldRefuseAnOutOfRangeParameterWithUsageStatus()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1, 10).set("predation", "2").run());

        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        assertTrue(ex.getMessage().contains("predation"), ex.getMessage());
    }

    @Test
    void shouldRefuseARingOfOnePatch()
    {
        final ModelException ex = assertThrows(ModelException.class, () -> run(1, 10).cells(1).run());

        assertTrue(ex.getMessage().contains("cells"), ex.getMessage());
    }
}
