package io.karyon.perf.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karyon.cli.WorkerOptions;
import io.karyon.perf.BenchParams;
import io.karyon.perf.WorkloadCheckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W5x's peers: a supervisor that gives up is restarted by its parent exactly once, with new cells, and nobody else's
 * cells are touched; a round that touches a second supervisor fails the run, on either peer.
 */
class W5xPeerTest
{
    private static final int CELLS = 3_500;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The peer's tree, with each excess first made in the next supervisor too, and awaited, so that the round itself
     * runs as usual.
     */
    private static final class Spreading implements W5xPeer.Tree
    {
        private final W5xPeer.Tree tree;
        private int n;
        private int supervisors;
        private CountDownLatch started;

        Spreading(final W5xPeer.Tree tree)
        {
            this.tree = tree;
        }

        public void start(final int n, final int workers)
        {
            this.n = n;
            supervisors = (n + W5xPeer.CHILDREN_PER_SUPERVISOR - 1) / W5xPeer.CHILDREN_PER_SUPERVISOR;
            tree.start(n, workers);
        }

        public void expectStarts(final CountDownLatch started)
        {
            this.started = started;
        }

        public void exceed(final int supervisor)
        {
            final int next = (supervisor + 1) % supervisors;
            final int children = W5xPeer.CHILDREN_PER_SUPERVISOR;
            final CountDownLatch other = new CountDownLatch(
                W5xPeer.INTENSITY + Math.min(children, n - next * children));
            tree.expectStarts(other);
            tree.exceed(next);
            Latches.await(other, W5xPeer.ID, "the other supervisor's cells");
            tree.expectStarts(started);
            tree.exceed(supervisor);
        }

        public void pingAll(final CountDownLatch answered)
        {
            tree.pingAll(answered);
        }

        public long incarnation(final int cell)
        {
            return tree.incarnation(cell);
        }

        public long starts()
        {
            return tree.starts();
        }

        public long escalations()
        {
            return tree.escalations();
        }

        public void close()
        {
            tree.close();
        }
    }

    @Test
    @Timeout(30)
    void shouldRestartTheSupervisorThatGaveUpOncePerExcessAndNoOtherCell(@TempDir final Path dir) throws IOException
    {
        final StringWriter progress = new StringWriter();
        for (final PeerWorkload peer : Peers.of(W5xPeer.ID))
        {
            final String line = peer.run(params(dir, progress), 2);
            final JsonNode json = MAPPER.readTree(line);
            assertEquals(peer.engine(), json.path("engine").asText(), line);
            assertEquals(CELLS, json.path("cells").asInt(), line);
            assertEquals(4, json.path("supervisors").asInt(), line);
            assertEquals(3, json.path("escalations").asLong(), line);
            assertEquals(3, json.path("expected_escalations").asLong(), line);
            assertTrue(json.path("untouched_ok").asBoolean(false), line);
            assertTrue(json.path("escalation_ms").asDouble() > 0, line);
        }
        // One warm-up and three measured rounds on each peer, the victims as Karyon's for seed 42.
        assertEquals(8, progress.toString().lines().filter((line) -> line.contains("gave up, 1 escalation(s)"))
            .count(), progress.toString());
        assertTrue(progress.toString().contains("W5x jvm-objects warm-up round"), progress.toString());
    }

    @Test
    @Timeout(30)
    void shouldFailWhenASecondSupervisorGaveUp(@TempDir final Path dir)
    {
        assertSpreadFails(Peers.JVM_OBJECTS, () -> new Spreading(new JvmEscalation()), dir);
        assertSpreadFails(Peers.PEKKO, () -> new Spreading(new PekkoEscalation()), dir);
    }

    private static void assertSpreadFails(final String engine, final Supplier<W5xPeer.Tree> tree, final Path dir)
    {
        final W5xPeer peer = new W5xPeer(engine, tree);
        final WorkloadCheckException ex = assertThrows(
            WorkloadCheckException.class, () -> peer.run(params(dir, new StringWriter()), 2));
        assertTrue(ex.getMessage().startsWith("W5x self-check failed: " + engine + ": supervisor "), ex.getMessage());
        assertTrue(ex.getMessage().contains(" escalated 2 times (expected once)"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("other supervisors untouched: false"), ex.getMessage());
    }

    private static BenchParams params(final Path dir, final StringWriter progress)
    {
        return new BenchParams(CELLS, 3, 1, 42, 10, 100, 1000, "random", 1.0, 10, 100, 4, 0, 1000,
            new WorkerOptions(), dir, 1_000_000, new PrintWriter(progress, true));
    }
}
