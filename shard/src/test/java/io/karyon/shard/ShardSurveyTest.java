package io.karyon.shard;

import io.karyon.engine.Organism;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.Setup;
import io.karyon.models.Tissue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model's own surveys in a sharded run: tissue's {@code lineages} (a bitmap of founders, OR-merged) and
 * {@code trait_mean} (sums per family over a count) as {@link io.karyon.model.SurveyValue}s give, on 2×1 and 3×1
 * shards, the {@code timeseries.csv} bytes and summary values of one process of 1, 2 and 3 workers; a model whose
 * value column or summary value calls {@code Organism.survey} from the driver is refused on every shard (exit 2, one
 * line naming the model and what to use), rather than silently seeing shard 0's cells, and runs in one process.
 * Shards are threads of this JVM, each its own organism and Aeron client: no child process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShardSurveyTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    /** Tissue's summary values (the model's) and the engine's counts that must match one process. */
    private static final List<String> SUMMARY = List.of("population", "lineages", "occupied_share", "trait_mean",
        "nutrient", "alive", "deaths", "restarts", "digest", "ticks");
    /** Tissue with many corrupt mothers: founders die and are reborn without a lineage, so lineages fall. */
    private static final Map<String, Object> DYING = Map.of("mutation_rate", "0.5", "corruption", "0.9");

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-survey-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    /**
     * Runs every shard on a thread of its own, shard 0 writing into {@code out}; fills in each shard's result and
     * returns each shard's failure.
     */
    private Throwable[] sharded(final ShardRun.Spec spec, final int shards, final Path out,
        final ShardRun.Result[] results) throws InterruptedException, IOException
    {
        return ShardThreads.tryRun(shards, ShardThreads.links(dir, shards, false, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link,
                ShardThreads.context(spec.workers() * shards), (run) -> run.out(out).progress(Progress.NONE)));
    }

    @Test
    void shouldGiveTissuesTimeSeriesAndSummaryOfOneProcessOnTwoAndThreeShards() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(new Tissue(), DYING, 4000, 30, 7, 1);
        byte[] series = null;
        Map<String, Object> summary = null;
        for (int workers = 1; workers <= 3; workers++)
        {
            final Path out = dir.resolve("w" + workers);
            final ModelRun.Result one = ShardRun.builder(spec, ShardThreads.context(workers)).out(out)
                .progress(Progress.NONE).run();
            final byte[] bytes = Files.readAllBytes(out.resolve("timeseries.csv"));
            if (null == series)
            {
                series = bytes;
                summary = one.summary();
            }
            assertArrayEquals(series, bytes, "timeseries.csv of " + workers + " workers");
            assertSameSummary(summary, one.summary(), workers + " workers");
        }
        final long lineages = ((Number)summary.get("lineages")).longValue();
        assertTrue(lineages > 0 && lineages < 4000, "founders' lineages died out: " + lineages);
        for (int shards = 2; shards <= 3; shards++)
        {
            final Path out = dir.resolve("s" + shards);
            final ShardRun.Result[] results = new ShardRun.Result[shards];
            final Throwable[] failures = sharded(spec, shards, out, results);
            for (int s = 0; s < shards; s++)
            {
                assertNull(failures[s], "shard " + s + " of " + shards);
            }
            assertArrayEquals(series, Files.readAllBytes(out.resolve("timeseries.csv")),
                "timeseries.csv of " + shards + " shards");
            assertSameSummary(summary, results[0].run().summary(), shards + " shards");
        }
    }

    private static void assertSameSummary(final Map<String, Object> expected, final Map<String, Object> got,
        final String run)
    {
        for (final String field : SUMMARY)
        {
            assertEquals(expected.get(field), got.get(field), field + ", " + run);
        }
    }

    @Test
    void shouldRefuseAValueColumnThatSurveysOnEveryShard() throws Exception
    {
        assertRefusedOnEveryShard(new Surveying(true), "its column surveyed calls Organism.survey");
    }

    @Test
    void shouldRefuseASummaryValueThatSurveysOnEveryShard() throws Exception
    {
        assertRefusedOnEveryShard(new Surveying(false), "its summary value surveyed calls Organism.survey");
    }

    private void assertRefusedOnEveryShard(final Surveying model, final String what) throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(), 300, 5, 3, 1);
        // One process holds every family: the survey sees every cell, and the run goes on.
        final ModelRun.Result one = ShardRun.builder(spec, ShardThreads.context(2)).progress(Progress.NONE)
            .run();
        assertEquals(5L, one.summary().get("ticks"));
        final int shards = 2;
        final Throwable[] failures = sharded(spec, shards, null, new ShardRun.Result[shards]);
        for (int s = 0; s < shards; s++)
        {
            final ModelException refused = assertInstanceOf(ModelException.class, failures[s], "shard " + s);
            assertEquals(ModelException.EXIT_USAGE, refused.exitCode(), refused.getMessage());
            assertEquals("model surveying cannot run sharded (--shards): " + what + ", but a survey from the driver " +
                "of a sharded run would visit only shard " + s + "'s families: declare it as a SurveyValue " +
                "(Observations.value(column, SurveyValue) or Setup.summary(name, SurveyValue)), which shard 0 " +
                "gathers", refused.getMessage());
        }
    }

    /**
     * The ring model with a value column (or a summary value) that counts the live cells with a survey of its own.
     */
    private static final class Surveying extends RingVariant
    {
        private final boolean column;

        Surveying(final boolean column)
        {
            super("surveying", "ring, with its own survey");
            this.column = column;
        }

        void addTo(final Setup setup)
        {
            final Organism organism = setup.organism();
            if (column)
            {
                setup.observe().value("surveyed", () -> count(organism));
            }
            else
            {
                setup.summary("surveyed", () -> count(organism));
            }
        }

        private static double count(final Organism organism)
        {
            final long[] perFamily = new long[organism.familyCount()];
            organism.survey((family, cell) -> perFamily[family]++);
            long count = 0;
            for (final long n : perFamily)
            {
                count += n;
            }
            return count;
        }
    }
}
