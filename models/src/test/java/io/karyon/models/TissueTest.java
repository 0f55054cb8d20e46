package io.karyon.models;

import io.karyon.engine.Context;
import io.karyon.engine.Stats;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.karyon.models.TissueState.CLAIM;
import static io.karyon.models.TissueState.LINEAGE;
import static io.karyon.models.TissueState.NO_LINEAGE;
import static io.karyon.models.TissueState.SITE;
import static io.karyon.models.TissueState.UPTAKE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(300)
class TissueTest
{
    /** Divisions, starvation, many corruptions and restarts on a small lattice. */
    private static final Map<String, Object> TURBULENT = Map.of(
        "mutation_rate", 0.5, "corruption", 0.5, "source_spacing", 12L, "initial_nutrient", 1.0,
        "supervisors", 5L);

    /**
     * What a survey between ticks sees: per site the placed cells on it, and the counts the occupancy must match.
     */
    private static final class Census
    {
        final int[] placedAt;
        long placed;
        long unplacedDaughters;
        long claims;
        long stemsSettledWithoutLineage;
        double consumed;

        Census(final TissueHarness h)
        {
            placedAt = new int[h.settings.lattice.sites()];
            final short cell = h.world.cellId;
            final short stem = h.world.stemId;
            final List<long[]> seen = new ArrayList<>();
            h.organism.survey((family, c) ->
            {
                final short b = c.behaviourId();
                if (b == cell || b == stem)
                {
                    final long[] row = { b, c.getInt(SITE), c.getInt(CLAIM), c.getInt(LINEAGE),
                        Double.doubleToRawLongBits(c.getDouble(UPTAKE)), family };
                    synchronized (seen)
                    {
                        seen.add(row);
                    }
                }
            });
            // Consumption summed in family order, as the runner's reduction does, so the sum is reproducible.
            seen.sort((a, b) -> Long.compare(a[5], b[5]));
            for (final long[] row : seen)
            {
                final int site = (int)row[1];
                if (row[0] == cell && site >= 0)
                {
                    placedAt[site]++;
                    placed++;
                    consumed += Double.longBitsToDouble(row[4]);
                    if (NO_LINEAGE == (int)row[3])
                    {
                        stemsSettledWithoutLineage++;
                    }
                }
                else if (row[0] == cell)
                {
                    unplacedDaughters++;
                }
                else if (row[2] >= 0)
                {
                    claims++;
                }
            }
        }
    }

    @Test
    void shouldKeepAtMostOneCellPerSiteAndBalanceTheNutrientThroughDivisionsStarvationCorruptionAndRestarts()
    {
        try (TissueHarness h = new TissueHarness(TURBULENT, 3_000, 7, 2))
        {
            final int sites = h.settings.lattice.sites();
            final double decay = h.settings.decay;
            final Census[] previous = new Census[1];
            final double[] previousNutrient = new double[1];
            final long[] checkedTicks = new long[1];
            h.organism.runUntil(120, (organism, tick) ->
            {
                final Census now = new Census(h);
                for (int s = 0; s < sites; s++)
                {
                    assertTrue(now.placedAt[s] <= 1, "tick " + tick + ": " + now.placedAt[s] + " cells on site " + s);
                    final double nutrient = h.matrix.read(s, TissueWorld.NUTRIENT);
                    assertTrue(nutrient >= 0.0, "tick " + tick + ": nutrient " + nutrient + " on site " + s);
                }
                assertTrue(now.placed <= sites, "population above the sites");
                assertEquals(now.placed, organism.countOf(h.world.cellId) - now.unplacedDaughters);
                final double nutrient = h.total(TissueWorld.NUTRIENT);
                if (null != previous[0])
                {
                    final Census before = previous[0];
                    // The occupancy read after tick t holds what tick t - 1 announced: each cell placed then, each
                    // daughter placed for, each stem cell's claim; and a placed cell's site reads exactly 1.
                    double occupancy = 0.0;
                    for (int s = 0; s < sites; s++)
                    {
                        final double o = h.matrix.read(s, TissueWorld.OCCUPANCY);
                        occupancy += o;
                        if (1 == before.placedAt[s])
                        {
                            assertEquals(1.0, o, "tick " + tick + ": occupancy of held site " + s);
                        }
                    }
                    assertEquals(before.placed + before.unplacedDaughters + before.claims, occupancy, 0.0,
                        "tick " + tick + ": occupancy total");
                    // N[t] = (1 - decay) N[t - 1] + S[t - 1] - C[t - 1]
                    final double expected =
                        (1.0 - decay) * previousNutrient[0] + h.world.supplied(tick - 1) - before.consumed;
                    assertEquals(expected, nutrient, 1e-9 * Math.max(1.0, nutrient), "tick " + tick + ": balance");
                    checkedTicks[0]++;
                }
                previous[0] = now;
                previousNutrient[0] = nutrient;
                return false;
            });
            assertEquals(119, checkedTicks[0]);
            final Stats stats = h.organism.stats();
            final Map<String, Long> deaths = stats.deathsByReason();
            assertTrue(stats.spawned() > 2 * 3_000, "divisions: " + stats.spawned());
            assertTrue(deaths.getOrDefault("normal", 0L) > 100, "starvation: " + deaths);
            assertTrue(deaths.getOrDefault("corrupt", 0L) > 20, "corruption: " + deaths);
            assertTrue(stats.restarts() > 10, "restarts: " + stats.restarts());
            assertEquals(0L, deaths.getOrDefault("exception", 0L), "no behaviour threw: " + deaths);
            assertTrue(new Census(h).stemsSettledWithoutLineage + h.organism.countOf(h.world.stemId) > 0,
                "reborn cells settle or seek");
        }
    }

    @Test
    void shouldSettleRebornCellsOnFreeSites()
    {
        try (TissueHarness h = new TissueHarness(TURBULENT, 3_000, 11, 1))
        {
            final long[] settled = new long[1];
            h.organism.runUntil(120, (organism, tick) ->
            {
                settled[0] = Math.max(settled[0], new Census(h).stemsSettledWithoutLineage);
                return false;
            });
            assertTrue(settled[0] > 0, "some reborn cell settled and lived on as a placed cell");
        }
    }

    @Test
    void shouldRunTheSameForOneTwoAndThreeWorkers(@TempDir final Path dir) throws IOException
    {
        final List<String> digests = new ArrayList<>();
        final List<byte[]> series = new ArrayList<>();
        for (final int workers : new int[]{ 1, 2, 3 })
        {
            final Path out = dir.resolve("w" + workers);
            final ModelRun.Result result = ModelRun.builder(new Tissue())
                .set("mutation_rate", 0.5)
                .set("corruption", 0.5)
                .cells(4_000)
                .ticks(60)
                .seed(3)
                .context(new Context().workerCount(workers).idleStrategy("backoff").pin(false))
                .out(out)
                .progress(Progress.NONE)
                .run();
            digests.add(String.format("0x%016x", result.digest()));
            series.add(Files.readAllBytes(out.resolve("timeseries.csv")));
        }
        assertEquals(digests.get(0), digests.get(1));
        assertEquals(digests.get(0), digests.get(2));
        assertArrayEquals(series.get(0), series.get(1), "timeseries.csv, 1 and 2 workers");
        assertArrayEquals(series.get(0), series.get(2), "timeseries.csv, 1 and 3 workers");
        final String header = new String(series.get(0)).lines().findFirst().orElseThrow();
        assertTrue(header.startsWith("tick,population,seeking,lineages,nutrient,supplied,consumed,signal,"),
            header);
        assertTrue(Files.exists(dir.resolve("w1").resolve("snapshots")), "snapshots written");
    }

    @Test
    void shouldMatchTheMatrixDigestAndEveryTickForAnyNumberOfWorkers()
    {
        final List<String> runs = new ArrayList<>();
        for (final int workers : new int[]{ 1, 2, 3 })
        {
            try (TissueHarness h = new TissueHarness(TURBULENT, 2_000, 5, workers))
            {
                final StringBuilder run = new StringBuilder();
                h.organism.runUntil(50, (organism, tick) ->
                {
                    run.append(organism.countOf(h.world.cellId)).append(',')
                        .append(organism.countOf(h.world.stemId)).append(',')
                        .append(Double.doubleToRawLongBits(h.total(TissueWorld.NUTRIENT))).append(',')
                        .append(organism.groups().size(h.world.group)).append(';');
                    return false;
                });
                run.append(Long.toHexString(h.organism.digest())).append('/')
                    .append(Long.toHexString(h.matrix.digest()));
                runs.add(run.toString());
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
    }

    @Test
    void shouldRefuseBadParametersNamingThem()
    {
        final ModelException diffusion = assertThrows(ModelException.class, () -> ModelRun.builder(new Tissue())
            .set("diffusion", "0.3").cells(100).ticks(1).progress(Progress.NONE).run());
        assertEquals(ModelException.EXIT_USAGE, diffusion.exitCode());
        assertTrue(diffusion.getMessage().contains("diffusion"), diffusion.getMessage());

        final ModelException unknown = assertThrows(ModelException.class, () -> ModelRun.builder(new Tissue())
            .set("nutrient_rate", "1").cells(100).ticks(1).progress(Progress.NONE).run());
        assertTrue(unknown.getMessage().contains("nutrient_rate"), unknown.getMessage());

        final ModelException small = assertThrows(ModelException.class, () -> ModelRun.builder(new Tissue())
            .set("lattice", 10L).cells(1_000).ticks(1).progress(Progress.NONE).run());
        assertTrue(small.getMessage().contains("lattice: a side of 10 gives 100 sites, fewer than the 1000"),
            small.getMessage());

        final IllegalArgumentException energy = assertThrows(IllegalArgumentException.class, () ->
            new TissueSettings(io.karyon.model.Parameters.of(new Tissue().parameters(),
                Map.of("initial_energy", 4.0, "division_threshold", 3.0)), 100));
        assertTrue(energy.getMessage().startsWith("initial_energy: expected less than division_threshold"),
            energy.getMessage());

        final IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () ->
            new TissueSettings(io.karyon.model.Parameters.of(new Tissue().parameters(),
                Map.of("density", 0.01)), 1_000_000));
        assertTrue(big.getMessage().contains("more than the largest side"), big.getMessage());
    }

    @Test
    void shouldGiveEverySiteANeighbourhoodOfDistinctColours()
    {
        for (final int side : new int[]{ 1, 2, 5, 7, 23 })
        {
            final TissueLattice lattice = new TissueLattice(side);
            for (int s = 0; s < lattice.sites(); s++)
            {
                int colours = 1 << lattice.colour(s);
                int members = 1;
                for (int d = 0; d < 4; d++)
                {
                    final int n = lattice.neighbour(s, d);
                    if (n >= 0)
                    {
                        colours |= 1 << lattice.colour(n);
                        members++;
                        assertEquals(1, Math.abs(n % side - s % side) + Math.abs(n / side - s / side));
                    }
                }
                assertEquals(members, Integer.bitCount(colours), "side " + side + ", site " + s);
                if (side >= 3 && s % side > 0 && s % side < side - 1 && s / side > 0 && s / side < side - 1)
                {
                    assertEquals(5, members);
                }
            }
            for (int colour = 0; colour < TissueLattice.COLOURS; colour++)
            {
                for (int row = 0; row < side; row++)
                {
                    for (final int pick : new int[]{ 0, 1, -1, 0x7FFF_FFFF, 12345 })
                    {
                        final int site = lattice.siteOfColour(colour, row, pick);
                        if (site >= 0)
                        {
                            assertEquals(colour, lattice.colour(site));
                            assertEquals(row, site / side);
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldPlaceFoundersOnDistinctSitesSpreadOverTheLattice()
    {
        final TissueLattice lattice = new TissueLattice(100);
        for (final long founders : new long[]{ 1, 3, 5_000, 9_999, 10_000 })
        {
            int last = -1;
            for (long i = 0; i < founders; i++)
            {
                final int site = lattice.founderSite(i, founders);
                assertTrue(site > last && site < lattice.sites(), "founder " + i + " of " + founders);
                last = site;
            }
        }
    }

    @Test
    void shouldCountLineagesAsAnyWorkerCountDoes()
    {
        for (final int workers : new int[]{ 1, 3 })
        {
            final Map<String, Object> summary = ModelRun.builder(new Tissue())
                .context(new Context().workerCount(workers).idleStrategy("backoff").pin(false))
                .cells(1_500).ticks(1).progress(Progress.NONE).run().summary();
            assertEquals(1_500L, summary.get("lineages"), "every founder is its own lineage at first");
            final double traitMean = ((Number)summary.get("trait_mean")).doubleValue();
            assertTrue(traitMean > 0.5 && traitMean < 2.0, "trait_mean " + traitMean);
        }
    }
}
