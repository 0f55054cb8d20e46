package io.karyon.perf.peers;

import io.karyon.perf.BenchParams;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CountDownLatch;

/**
 * W3 on Pekko typed actors: each actor holds x; a tick is one shared message told to every actor, and a sample is
 * read by asking the actor for its x.
 */
final class PekkoTick implements W3Peer.Cells
{
    /**
     * A logistic cell's messages.
     */
    sealed interface Message permits Tick, Read
    {
    }

    /**
     * One tick, told to every cell.
     *
     * @param done counted down by each cell once it has stepped.
     */
    record Tick(CountDownLatch done) implements Message
    {
    }

    /**
     * Asks a cell for its x.
     *
     * @param out  where x goes, at index 0.
     * @param done counted down once written.
     */
    record Read(double[] out, CountDownLatch done) implements Message
    {
    }

    private ActorSystem<PekkoCells.Run> system;
    private ActorRef<Message>[] cells;

    static Behavior<Message> logistic(final double initial)
    {
        final double[] x = { initial };
        return Behaviors.receive(Message.class)
            .onMessage(Tick.class, (tick) ->
            {
                x[0] = 3.9 * x[0] * (1.0 - x[0]);
                tick.done().countDown();
                return Behaviors.same();
            })
            .onMessage(Read.class, (read) ->
            {
                read.out()[0] = x[0];
                read.done().countDown();
                return Behaviors.same();
            })
            .build();
    }

    @SuppressWarnings("unchecked")
    public void start(final int n, final long seed, final int workers)
    {
        system = PekkoCells.start("w3", workers);
        cells = (ActorRef<Message>[])new ActorRef<?>[n];
        Latches.await(PekkoCells.spawn(system, n, (i) -> logistic(BenchParams.unitOpen(seed, i)),
            (i, ref) -> cells[i] = ref), W3Peer.ID, "pekko references");
    }

    public void tick(final CountDownLatch done)
    {
        final Tick tick = new Tick(done);
        final ActorRef<Message>[] all = cells;
        PekkoCells.run(system, () ->
        {
            for (final ActorRef<Message> cell : all)
            {
                cell.tell(tick);
            }
        });
    }

    public double x(final int i)
    {
        final double[] out = new double[1];
        final CountDownLatch done = new CountDownLatch(1);
        cells[i].tell(new Read(out, done));
        Latches.await(done, W3Peer.ID, "pekko reads");
        return out[0];
    }

    public void close()
    {
        if (null != system)
        {
            PekkoCells.terminate(system, W3Peer.ID);
        }
    }
}
