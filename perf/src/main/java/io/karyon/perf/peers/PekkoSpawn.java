package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;

/**
 * W1 on Pekko typed actors: one actor per cell, its 8 longs filled when it starts; only the sampled cells' references
 * are kept outside the actor system.
 */
final class PekkoSpawn implements W1Peer.Cells
{
    /**
     * Asks a cell for a copy of its state.
     *
     * @param out  where the state goes.
     * @param done counted down once copied.
     */
    record Sample(long[] out, CountDownLatch done)
    {
    }

    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<Sample>[] sampled;
    private int step;

    static Behavior<Sample> cell(final long seed, final int i, final CountDownLatch started)
    {
        return Behaviors.setup((context) ->
        {
            final long[] v = new long[8];
            for (int k = 0; k < 8; k++)
            {
                v[k] = BenchParams.generate(seed, ((long)i << 3) + k);
            }
            started.countDown();
            return Behaviors.receiveMessage((sample) ->
            {
                System.arraycopy(v, 0, sample.out(), 0, 8);
                sample.done().countDown();
                return Behaviors.same();
            });
        });
    }

    public void start(final int workers)
    {
        system = PekkoCells.start("w1", workers);
    }

    @SuppressWarnings("unchecked")
    public void spawn(final int n, final long seed, final int step)
    {
        this.step = step;
        sampled = (ActorRef<Sample>[])new ActorRef<?>[(n + step - 1) / step];
        final CountDownLatch started = new CountDownLatch(n);
        final CountDownLatch spawned = PekkoCells.spawn(system, n, (i) -> cell(seed, i, started), (i, ref) ->
        {
            if (0 == i % step)
            {
                sampled[i / step] = ref;
            }
        });
        Latches.await(started, W1Peer.ID, "pekko cells");
        Latches.await(spawned, W1Peer.ID, "pekko references");
    }

    public long[] sample(final int i)
    {
        final long[] out = new long[8];
        final CountDownLatch done = new CountDownLatch(1);
        sampled[i / step].tell(new Sample(out, done));
        Latches.await(done, W1Peer.ID, "pekko samples");
        return out;
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W1Peer.ID);
        }
    }
}
