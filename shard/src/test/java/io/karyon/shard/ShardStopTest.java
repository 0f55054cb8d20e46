package io.karyon.shard;

import io.karyon.engine.Organism;
import io.karyon.model.ModelException;
import io.karyon.model.ModelRun;
import io.karyon.model.Progress;
import io.karyon.model.Setup;
import io.karyon.model.StopRequest;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How every shard of a run ends when one stops it: a failure or refusal on one shard stops every other at once
 * (its abort, not the link's timeout, which is a minute here and longer than the test may take) with that shard's
 * exit code and line; a stop request to shard 0 gives every shard its reason, so that each exits as one process
 * stopped by that signal would.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ShardStopTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = ShardThreads.folder("karyon-shard-stop-");
    }

    @AfterEach
    void deleteDir()
    {
        ShardThreads.delete(dir);
    }

    private Throwable[] sharded(final ShardRun.Spec spec, final int shards, final boolean udp,
        final StopRequest request, final ShardRun.Result[] results) throws InterruptedException, IOException
    {
        return ShardThreads.tryRun(shards, ShardThreads.links(dir, shards, udp, TIMEOUT_NS),
            (shard, link) -> results[shard] = ShardRun.run(spec, link,
                ShardThreads.context(spec.workers() * shards),
                (run) -> run.progress(Progress.NONE).stopRequest(request)));
    }

    @Test
    void shouldStopEveryShardAtOnceWhenShardZeroRefusesAStopConditionThatSurveys() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(new Failing(Failing.SURVEYING_STOP), Map.of(), 300, 20, 3, 1);
        final int shards = 3;
        final Throwable[] failures = sharded(spec, shards, false, null, new ShardRun.Result[shards]);
        final ModelException refused = assertInstanceOf(ModelException.class, failures[0], "shard 0");
        assertEquals(ModelException.EXIT_USAGE, refused.exitCode(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("model failing cannot run sharded (--shards): "),
            refused.getMessage());
        for (int s = 1; s < shards; s++)
        {
            final ModelException stopped = assertInstanceOf(ModelException.class, failures[s], "shard " + s);
            assertEquals(ModelException.EXIT_USAGE, stopped.exitCode(), "shard " + s + ": as shard 0");
            assertEquals("shard 0 of 3 stopped the run: " + refused.getMessage(), stopped.getMessage());
            assertTrue(ShardRun.abortedElsewhere(stopped));
        }
        assertFalse(ShardRun.abortedElsewhere(refused), "shard 0 says why itself");
    }

    @Test
    void shouldStopEveryShardAtOnceWhenAnotherShardFailsMidRunOverUdp() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(new Failing(Failing.SHARD_1_COLUMN), Map.of(), 300, 20, 3, 1);
        final Throwable[] failures = sharded(spec, 2, true, null, new ShardRun.Result[2]);
        final ModelException failed = assertInstanceOf(ModelException.class, failures[1], "shard 1");
        assertEquals(ModelException.EXIT_FAILURE, failed.exitCode(), failed.getMessage());
        assertTrue(failed.getMessage().contains("shard 1's column failed"), failed.getMessage());
        final ModelException stopped = assertInstanceOf(ModelException.class, failures[0], "shard 0");
        assertEquals(ModelException.EXIT_FAILURE, stopped.exitCode(), stopped.getMessage());
        assertEquals("shard 1 of 2 stopped the run: " + failed.getMessage(), stopped.getMessage());
    }

    @Test
    void shouldGiveEveryShardTheStopRequestsReasonAsOneProcess() throws Exception
    {
        final ShardRun.Spec spec = new ShardRun.Spec(new Ring(), Map.of(), 300, 50, 3, 1);
        final StopRequest oneRequest = new StopRequest();
        oneRequest.request("SIGTERM");
        final ModelRun.Result one = ShardRun.builder(spec, ShardThreads.context(2)).progress(Progress.NONE)
            .stopRequest(oneRequest).run();
        assertEquals("SIGTERM", one.stopReason());

        final StopRequest request = new StopRequest();
        request.request("SIGTERM");
        final int shards = 2;
        final ShardRun.Result[] results = new ShardRun.Result[shards];
        final Throwable[] failures = sharded(spec, shards, true, request, results);
        for (int s = 0; s < shards; s++)
        {
            assertNull(failures[s], "shard " + s);
            assertEquals("SIGTERM", results[s].stopReason(), "shard " + s + ": shard 0's reason");
            assertEquals(one.digest(), results[s].digest(), "shard " + s);
            assertEquals(one.summary().get("ticks"), results[s].ticks(), "shard " + s);
        }
        final ShardRun.Result[] plain = new ShardRun.Result[shards];
        assertNull(sharded(spec, shards, false, null, plain)[1]);
        assertNull(plain[1].stopReason(), "a run to its end: no reason");
    }

    /**
     * The ring model with a stop condition that surveys (refused on shard 0), or a value column that fails on shard
     * 1 only.
     */
    private static final class Failing extends RingVariant
    {
        static final int SURVEYING_STOP = 0;
        static final int SHARD_1_COLUMN = 1;

        private final int how;

        Failing(final int how)
        {
            super("failing", "ring, failing on a shard");
            this.how = how;
        }

        void addTo(final Setup setup)
        {
            final Organism organism = setup.organism();
            if (SURVEYING_STOP == how)
            {
                setup.stopWhen((o, tick) ->
                {
                    final long[] live = new long[1];
                    o.survey((family, cell) -> live[0]++);
                    return 0 == live[0];
                });
            }
            else
            {
                setup.observe().value("failing", () ->
                {
                    if (organism.ticks() >= 5 && 1 == organism.context().shardLink().shard())
                    {
                        throw new IllegalStateException("shard 1's column failed");
                    }
                    return 0;
                });
            }
        }
    }
}
