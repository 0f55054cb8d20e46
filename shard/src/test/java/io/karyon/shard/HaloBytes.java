package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.matrix.Matrix;
import io.karyon.matrix.MatrixConfiguration;
import io.karyon.scheduler.ThreadingMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A measuring tool, not a test (BENCHMARKS.md, "Sharded"): the bytes a tick each shard sends when {@link Heaters}
 * runs sharded (shards as threads of this JVM, 1 worker each), with or without a reach; or, with {@code rss}, how
 * much a dynamic matrix of tissue's size at 1M cells adds to the resident set (as shard 0 of SHARDS holds it once
 * its run started). Arguments: {@code REACH SHARDS ipc|udp SIDE CELLS TICKS} (REACH -1: none), or
 * {@code rss [REACH SHARDS]}. Run it on the shard module's test classpath, under the build lock (the shards'
 * exchanges spin).
 */
public final class HaloBytes
{
    private HaloBytes()
    {
    }

    /**
     * Runs one measurement and prints it.
     *
     * @param args see the class comment.
     * @throws Exception if a shard fails.
     */
    public static void main(final String[] args) throws Exception
    {
        if ("rss".equals(args[0]))
        {
            // rss [REACH SHARDS]: the matrix as shard 0 of SHARDS (1 worker each) holds it once its run has started.
            final int reach = args.length > 1 ? Integer.parseInt(args[1]) : -1;
            final int shards = args.length > 2 ? Integer.parseInt(args[2]) : 1;
            final long before = rss();
            final Matrix m = Matrix.create(new MatrixConfiguration().grid(1415, 1415).substances(3)
                .decayRate(0, 0.01).diffusionRate(0, 0.1));
            final long created = rss();
            m.writers(shards);
            if (reach >= 0)
            {
                m.reach(reach);
            }
            m.shards().holdOnly(0, 1);
            System.out.println("matrix 1415x1415x3 dynamic, reach " + reach + ", shard 0 of " + shards + ": RSS " +
                "grew by " + (created - before) + " kB when created, " + (rss() - before) + " kB once held");
            m.close();
            return;
        }
        final int reach = Integer.parseInt(args[0]);
        final int shards = Integer.parseInt(args[1]);
        final boolean udp = "udp".equals(args[2]);
        final int side = Integer.parseInt(args[3]);
        final long cells = Long.parseLong(args[4]);
        final long ticks = Long.parseLong(args[5]);
        final Heaters model = new Heaters(reach, false, side, side);
        final ShardRun.Spec spec = new ShardRun.Spec(model, Map.of(), cells, ticks, 3, 1, (int)ticks);
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        final Path dir = ShardThreads.folder("karyon-halo-bytes-");
        try
        {
            final Throwable[] failures = ShardThreads.tryRun(shards,
                ShardThreads.links(dir, shards, udp, TimeUnit.SECONDS.toNanos(60)),
                (shard, link) -> results[shard] = ShardRun.run(spec, link, new Context().workerCount(shards)
                    .threadingMode(ThreadingMode.INVOKER).idleStrategy("backoff")));
            for (int s = 0; s < shards; s++)
            {
                if (null != failures[s])
                {
                    throw new AssertionError("shard " + s, failures[s]);
                }
                System.out.printf("reach %d, %d shards %s, grid %dx%d, %d cells, %d ticks: shard %d sent %d bytes " +
                    "(%d a tick), digest %x, run %.2f s%n", reach, shards, args[2], side, side, cells, ticks, s,
                    results[s].bytesSent(), results[s].bytesSent() / ticks, results[s].digest(),
                    results[s].runNs() / 1e9);
            }
        }
        finally
        {
            ShardThreads.delete(dir);
        }
    }

    private static long rss() throws Exception
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
