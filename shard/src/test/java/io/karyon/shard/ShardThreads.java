package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.scheduler.ThreadingMode;
import org.agrona.IoUtil;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The harness of the tests that run a sharded run's shards as threads of this JVM, each its own organism and Aeron
 * client: a folder for the media drivers (in /dev/shm where there is one), the links over IPC or UDP on the loopback,
 * and every shard on a thread of its own, failures named by shard.
 */
final class ShardThreads
{
    /**
     * One shard's part of a test.
     */
    interface Body
    {
        /**
         * Runs shard {@code shard} over its link, which the harness closes.
         *
         * @param shard index.
         * @param link  to the other shards.
         * @throws Exception as the test's shard fails.
         */
        void run(int shard, AeronShardLink link) throws Exception;
    }

    /**
     * Opens a shard's link.
     */
    interface Links
    {
        /**
         * The link of a shard.
         *
         * @param shard index.
         * @return the link, open.
         */
        AeronShardLink open(int shard);
    }

    private ShardThreads()
    {
    }

    /**
     * The context the shard tests run with: a number of workers on the invoker's thread (the test runs every shard's
     * agents), 64-cell chunks so that a few hundred cells make many families, and the backoff idle strategy.
     *
     * @param workers of the organism (of each shard).
     * @return a new context.
     */
    static Context context(final int workers)
    {
        return new Context().workerCount(workers).threadingMode(ThreadingMode.INVOKER).chunkShift(6)
            .idleStrategy("backoff");
    }

    /**
     * A fresh folder for a test's media drivers and files, in /dev/shm where there is one.
     *
     * @param prefix of its name.
     * @return the folder.
     * @throws IOException if it cannot be made.
     */
    static Path folder(final String prefix) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) ? Files.createTempDirectory(shm, prefix) : Files.createTempDirectory(prefix);
    }

    /**
     * Deletes a test's folder, and checks that nothing is left.
     *
     * @param dir from {@link #folder}, or a temporary folder of the test's own.
     */
    static void delete(final Path dir)
    {
        IoUtil.delete(dir.toFile(), false);
        assertFalse(Files.exists(dir), "left behind: " + dir);
    }

    /**
     * The links of a run's shards: over IPC through one media driver in {@code dir/aeron}, or over UDP on loopback
     * ports free now, each shard with its own driver in {@code dir/aeron-<shard>}.
     *
     * @param dir       the test's folder.
     * @param shards    in the run.
     * @param udp       whether over UDP.
     * @param timeoutNs of each link.
     * @return what opens each shard's link.
     * @throws IOException if no port is free.
     */
    static Links links(final Path dir, final int shards, final boolean udp, final long timeoutNs) throws IOException
    {
        final List<String> endpoints = new ArrayList<>();
        for (int s = 0; s < shards && udp; s++)
        {
            try (DatagramSocket socket = new DatagramSocket(0))
            {
                endpoints.add("127.0.0.1:" + socket.getLocalPort());  // no name to resolve: one address family
            }
        }
        return (shard) -> udp ? AeronShardLink.udp(shard, endpoints, dir.resolve("aeron-" + shard), timeoutNs) :
            AeronShardLink.ipc(shard, shards, dir.resolve("aeron"), timeoutNs);
    }

    /**
     * Runs every shard on a thread of its own and waits for all.
     *
     * @param shards in the run.
     * @param links  opens each shard's link.
     * @param body   each shard's part.
     * @return each shard's failure, null where it finished.
     * @throws InterruptedException if interrupted while waiting.
     */
    static Throwable[] tryRun(final int shards, final Links links, final Body body) throws InterruptedException
    {
        final Throwable[] failures = new Throwable[shards];
        final Thread[] threads = new Thread[shards];
        for (int s = 0; s < shards; s++)
        {
            final int shard = s;
            threads[s] = new Thread(() ->
            {
                try (AeronShardLink link = links.open(shard))
                {
                    body.run(shard, link);
                }
                catch (final Throwable t)
                {
                    failures[shard] = t;
                }
            }, "shard-" + s);
            threads[s].start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        return failures;
    }

    /**
     * Runs every shard on a thread of its own, waits for all, and fails naming the first shard that failed.
     *
     * @param shards in the run.
     * @param links  opens each shard's link.
     * @param body   each shard's part.
     * @throws InterruptedException if interrupted while waiting.
     */
    static void run(final int shards, final Links links, final Body body) throws InterruptedException
    {
        final Throwable[] failures = tryRun(shards, links, body);
        for (int s = 0; s < shards; s++)
        {
            if (null != failures[s])
            {
                throw new AssertionError("shard " + s + " failed: " + failures[s], failures[s]);
            }
        }
    }
}
