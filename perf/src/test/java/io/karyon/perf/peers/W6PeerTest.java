package io.karyon.perf.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karyon.cli.WorkerOptions;
import io.karyon.perf.BenchParams;
import io.karyon.perf.W6Mix;
import io.karyon.perf.WorkloadCheckException;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W6's peers: the pekko stores and writers run the same seeded operations as the ConcurrentHashMap (so the same
 * increments land), pekko runs at most --peer-messages messages a round, and an update the writers did not count
 * fails the run.
 */
class W6PeerTest
{
    private static final int KEYS = 5_000;
    private static final int WRITERS = 2;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The peer's sites, with writers that run some operations more after each round without counting them.
     */
    private static final class Uncounted implements W6Mix.Sites
    {
        private final W6Mix.Sites sites;

        Uncounted(final W6Mix.Sites sites)
        {
            this.sites = sites;
        }

        public String description()
        {
            return sites.description();
        }

        public double round(final long seed, final long opsPerWriter, final Histogram[] histograms,
            final long[] increments, final long[] ops)
        {
            final double seconds = sites.round(seed, opsPerWriter, histograms, increments, ops);
            sites.round(seed + 1, 100, histograms, new long[WRITERS], new long[WRITERS]);
            return seconds;
        }

        public double total()
        {
            return sites.total();
        }

        public void close()
        {
            sites.close();
        }
    }

    @Test
    @Timeout(30)
    void shouldAddTheSameIncrementsOnPekkoAsOnTheConcurrentHashMap()
    {
        final long[] chmIncrements = new long[WRITERS];
        final long[] pekkoIncrements = new long[WRITERS];
        final long[] ops = new long[WRITERS];
        final double chmTotal;
        final double pekkoTotal;
        try (W6Mix.Sites chm = W6Mix.chm(KEYS, WRITERS, Peers.JVM_OBJECTS))
        {
            chm.round(7, 10_000, histograms(), chmIncrements, ops);
            chmTotal = chm.total();
        }
        try (W6Mix.Sites pekko = new PekkoMatrix(KEYS, WRITERS))
        {
            pekko.round(7, 10_000, histograms(), pekkoIncrements, ops);
            assertArrayEquals(new long[]{ 10_000, 10_000 }, ops);
            pekkoTotal = pekko.total();
        }
        assertArrayEquals(chmIncrements, pekkoIncrements);
        assertTrue(chmIncrements[0] > 10_000 && chmIncrements[1] > 10_000, () -> chmIncrements[0] + " " +
            chmIncrements[1]);
        assertEquals(chmTotal, pekkoTotal);
        assertEquals((double)(chmIncrements[0] + chmIncrements[1]), pekkoTotal);
    }

    @Test
    @Timeout(30)
    void shouldRunAtMostPeerMessagesOnPekkoAndSaySo(@TempDir final Path dir) throws IOException
    {
        final StringWriter progress = new StringWriter();
        final PeerWorkload pekko = Peers.of(W6Peer.ID).get(1);
        final JsonNode json = MAPPER.readTree(pekko.run(params(dir, 4_000, 20_000, progress), WRITERS));

        assertEquals(Peers.PEKKO, json.path("engine").asText());
        // 4,000 operations a writer fit in 20,000 messages (two an operation); 40,000 do not: 5,000 each.
        assertEquals(8_000, json.path("ops").asLong(), json.toString());
        assertEquals(8_000, json.path("ops_asked").asLong(), json.toString());
        assertFalse(json.path("scaled_down").asBoolean(true), json.toString());
        final JsonNode scaled = MAPPER.readTree(pekko.run(params(dir, 40_000, 20_000, progress), WRITERS));
        assertEquals(10_000, scaled.path("ops").asLong(), scaled.toString());
        assertEquals(80_000, scaled.path("ops_asked").asLong(), scaled.toString());
        assertTrue(scaled.path("scaled_down").asBoolean(false), scaled.toString());
        assertEquals(3, progress.toString().lines().filter((line) -> line.startsWith("W6 pekko measured round: 8,000"))
            .count(), progress.toString());
        assertEquals(3, progress.toString().lines().filter((line) -> line.startsWith("W6 pekko measured round: 10,000"))
            .count(), progress.toString());
    }

    @Test
    @Timeout(30)
    void shouldFailWhenTheSitesChangedByMoreThanTheWritersAdded(@TempDir final Path dir)
    {
        assertUncountedFails(Peers.JVM_OBJECTS, "ConcurrentHashMap",
            (keys, workers) -> new Uncounted(W6Mix.chm(keys, workers, Peers.JVM_OBJECTS)), dir);
        assertUncountedFails(Peers.PEKKO, "pekko store actors' sites",
            (keys, workers) -> new Uncounted(new PekkoMatrix(keys, workers)), dir);
    }

    private static void assertUncountedFails(
        final String engine, final String sites, final W6Peer.Factory factory, final Path dir)
    {
        final W6Peer peer = new W6Peer(engine, factory, 0);
        final WorkloadCheckException ex = assertThrows(
            WorkloadCheckException.class, () -> peer.run(params(dir, 1_000, 1_000_000, new StringWriter()), WRITERS));
        assertTrue(ex.getMessage().startsWith("W6 self-check failed: " + engine + ": the " + sites + " changed by "),
            ex.getMessage());
        assertTrue(ex.getMessage().contains(" but the writers added "), ex.getMessage());
    }

    private static Histogram[] histograms()
    {
        final Histogram[] histograms = new Histogram[WRITERS];
        for (int w = 0; w < WRITERS; w++)
        {
            histograms[w] = W6Mix.histogram();
        }
        return histograms;
    }

    private static BenchParams params(
        final Path dir, final long ops, final long peerMessages, final StringWriter progress)
    {
        return new BenchParams(KEYS, 3, 0, 42, 10, 100, 1000, "random", 1.0, 10, 100, 4, 0, ops,
            new WorkerOptions(), dir, peerMessages, new PrintWriter(progress, true));
    }
}
