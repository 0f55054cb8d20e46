package io.karyon.shard;

import io.karyon.model.ModelException;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron link between shards: blocks arrive whole, in order, with their bytes, whatever their size (seeded
 * sizes, from empty to many pieces); two shards sending each other blocks larger than the publication's window at
 * once do not deadlock; bad shard indices, a failed peer, shards that did not join in time and an endpoint a shard
 * cannot listen on are reported with one line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronShardLinkTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "karyon-link-test-") :
            Files.createTempDirectory("karyon-link-test-");
    }

    @AfterEach
    void deleteDir()
    {
        IoUtil.delete(dir.toFile(), false);
    }

    private static byte[] block(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] await(final AeronShardLink link, final int from)
    {
        final long startNs = System.nanoTime();
        while (System.nanoTime() - startNs < TIMEOUT_NS)
        {
            final DirectBuffer in = link.poll(from);
            if (null != in)
            {
                final byte[] bytes = new byte[in.capacity()];
                in.getBytes(0, bytes);
                return bytes;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no block from shard " + from);
    }

    /**
     * Both shards send each of a seeded list of blocks, then wait for the other's: every block of 24 MiB is far past
     * the 8 MiB term's window, so neither send returns before the other side takes in what arrives.
     */
    @Test
    void shouldCarryBlocksOfAnySizeBothWaysAtOnce() throws Exception
    {
        final int[] sizes = { 0, 1, 7, 1 << 20, (1 << 20) + 13, 24 << 20, 5, 24 << 20, 100_000 };
        final Throwable[] failures = new Throwable[2];
        final Thread[] threads = new Thread[2];
        for (int s = 0; s < 2; s++)
        {
            final int shard = s;
            threads[s] = new Thread(() ->
            {
                try (AeronShardLink link = AeronShardLink.ipc(shard, 2, dir.resolve("aeron"), TIMEOUT_NS))
                {
                    final Random mine = new Random(100 + shard);
                    final Random theirs = new Random(100 + (1 - shard));
                    for (final int size : sizes)
                    {
                        final byte[] out = block(mine, size);
                        link.send(1 - shard, new UnsafeBuffer(out), 0, out.length);
                        assertArrayEquals(block(theirs, size), await(link, 1 - shard), "a block of " + size);
                    }
                    // Nothing more but, on shard 0, the end mark shard 1 may already have sent (below).
                    final DirectBuffer more = link.poll(1 - shard);
                    final boolean marked = null != more && 0 == shard && 1 == more.capacity();
                    assertTrue(null == more || marked, "no block beyond those sent");
                    long total = 0;
                    for (final int size : sizes)
                    {
                        total += size;
                    }
                    assertEquals(total, link.bytesSent());
                    assertEquals(sizes.length, link.blocksSent());
                    // Shard 0 owns the media driver: it waits for shard 1 to be done with it.
                    if (0 == shard)
                    {
                        if (!marked)
                        {
                            await(link, 1);
                        }
                    }
                    else
                    {
                        link.send(0, new UnsafeBuffer(new byte[1]), 0, 1);
                    }
                }
                catch (final Throwable t)
                {
                    failures[shard] = t;
                }
            });
            threads[s].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        for (int s = 0; s < 2; s++)
        {
            if (null != failures[s])
            {
                throw new AssertionError("shard " + s + ": " + failures[s], failures[s]);
            }
        }
        assertFalse(Files.exists(dir.resolve("aeron")), "the media driver's directory is deleted at close");
    }

    @Test
    void shouldRefuseBadShards()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> AeronShardLink.ipc(2, 2, dir.resolve("aeron"), TIMEOUT_NS));
        assertEquals("shard must be I/N with 0 <= I < N <= 64: 2/2", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardMain.parseShard("1/65"));
        assertThrows(IllegalArgumentException.class, () -> ShardMain.parseShard("x/2"));
        assertThrows(IllegalArgumentException.class, () -> ShardMain.parseShard("-1/2"));
        assertEquals(1, ShardMain.parseShard("1/3")[0]);
        assertEquals(3, ShardMain.parseShard("1/3")[1]);
    }

    @Test
    void shouldReportAShardThatNeverConnects()
    {
        final AeronShardLink link = AeronShardLink.open(0, 2, dir.resolve("aeron"), TIMEOUT_NS);
        link.fail("shard 1 (pid 1) exited with code 3");
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> AeronShardLink.connect(link));
        assertEquals("shard 1 (pid 1) exited with code 3", ex.getMessage());
        assertTrue(!Files.exists(dir.resolve("aeron")));
    }

    @Test
    void shouldNameEveryHostThatDidNotJoinAndWhyThatIsLikely() throws Exception
    {
        // Shard 1 joins shard 0, shards 2 and 3 never start (a host that refused its --shard or --peers cannot tell
        // the others): shard 0 names both, by endpoint, at the connect timeout; here 1 s rather than 60.
        final List<String> endpoints = new ArrayList<>();
        for (int s = 0; s < 4; s++)
        {
            try (DatagramSocket socket = new DatagramSocket(0))
            {
                endpoints.add("127.0.0.1:" + socket.getLocalPort());
            }
        }
        System.setProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME, "1000");
        try (AeronShardLink one = AeronShardLink.openUdp(1, endpoints, dir.resolve("aeron-1"), TIMEOUT_NS))
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> AeronShardLink.udp(0, endpoints, dir.resolve("aeron-0"), TIMEOUT_NS));
            assertEquals("shard 2 (" + endpoints.get(2) + "), shard 3 (" + endpoints.get(3) + ") of 4 did not join " +
                "shard 0 within 1000 ms: each was not started, stopped before joining (a bad --shard or --peers, " +
                "which it cannot tell the others: its own line says why) or cannot be reached from this host",
                ex.getMessage());
        }
        finally
        {
            System.clearProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME);
        }
        assertFalse(Files.exists(dir.resolve("aeron-0")), "the media driver's directory is deleted");
    }

    @Test
    void shouldRefuseABadConnectTimeout()
    {
        System.setProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME, "soon");
        try
        {
            final ModelException ex = assertThrows(ModelException.class, ShardLauncher::connectTimeoutMs);
            assertEquals(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME + " must be a positive number of milliseconds, " +
                "got 'soon'", ex.getMessage());
            assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
        }
        finally
        {
            System.clearProperty(ShardLauncher.CONNECT_TIMEOUT_PROP_NAME);
        }
        assertEquals(0, ShardLauncher.connectTimeoutMs(), "not set: the default");
    }

    @Test
    void shouldNameTheEndpointAShardCannotListenOn() throws Exception
    {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final List<String> endpoints = List.of("127.0.0.1:" + free.getLocalPort(),
                "127.0.0.1:" + taken.getLocalPort());
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> AeronShardLink.udp(1, endpoints, dir.resolve("aeron-1"), TIMEOUT_NS));
            assertEquals("shard 1 of 2 cannot listen on its endpoint in --peers, " + endpoints.get(1) + ": Address " +
                "already in use (another process holds the port, or the address is not this host's: is this host " +
                "shard 1?)", ex.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("aeron-1")), "the media driver's directory is deleted");
    }
}
