package io.karyon.perf.peers;

import io.karyon.cli.WorkerOptions;
import io.karyon.perf.BenchParams;
import io.karyon.perf.WorkloadCheckException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * W4's peers fail the run when a member handled a broadcast more than once: the counters are checked against the
 * broadcasts sent, not taken on trust from the latches.
 */
class W4PeerTest
{
    private static final int MEMBERS = 1_000;

    /**
     * The peer's members with its first broadcast delivered twice to the whole group.
     */
    private static final class Repeating implements W4Peer.Members
    {
        private final W4Peer.Members members;
        private boolean repeated;

        Repeating(final W4Peer.Members members)
        {
            this.members = members;
        }

        public void start(final int n, final int workers)
        {
            members.start(n, workers);
        }

        public void broadcast(final CountDownLatch done)
        {
            members.broadcast(done);
            if (!repeated)
            {
                repeated = true;
                final CountDownLatch again = new CountDownLatch(MEMBERS);
                members.broadcast(again);
                Latches.await(again, W4Peer.ID, "repeated broadcast");
            }
        }

        public void counts(final long[] counts)
        {
            members.counts(counts);
        }

        public void close()
        {
            members.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldFailWhenAMemberHandledABroadcastTwice(@TempDir final Path dir)
    {
        assertRepeatFails(Peers.JVM_OBJECTS, () -> new Repeating(new JvmBroadcast()), dir);
        assertRepeatFails(Peers.PEKKO, () -> new Repeating(new PekkoBroadcast()), dir);
    }

    private static void assertRepeatFails(final String engine, final Supplier<W4Peer.Members> members, final Path dir)
    {
        final BenchParams params = new BenchParams(MEMBERS, 3, 0, 42, 10, 100, 1000, "random", 1.0, 10, 100, 4, 0,
            1000, new WorkerOptions(), dir, 1_000_000, new PrintWriter(new StringWriter(), true));
        final WorkloadCheckException ex = assertThrows(
            WorkloadCheckException.class, () -> new W4Peer(engine, members).run(params, 2));
        assertEquals("W4 self-check failed: " + engine + " member 0 handled 5 broadcasts, expected 4",
            ex.getMessage());
    }
}
