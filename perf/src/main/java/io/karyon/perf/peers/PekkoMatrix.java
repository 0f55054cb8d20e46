package io.karyon.perf.peers;

import io.karyon.perf.W6Mix;
import io.karyon.perf.WorkloadCheckException;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * W6 on Pekko typed actors, written as Pekko's documentation recommends for shared state: the state is owned by
 * actors and changed only by their own messages, never shared and locked. One actor per site would be a million
 * actors of 8 bytes of state each; as Cluster Sharding groups entities into shards, with about ten times as many shards
 * as nodes (its documented rule of thumb), the K sites are split into {@link #STORES_PER_WORKER} x workers store
 * actors, each owning a contiguous range of sites in a {@code double[]}. Each writer is an actor that runs its
 * operations one at a time by request-response (Pekko's interaction pattern for it: the request carries the writer's
 * reference, the store replies to it): a read asks the owning store for the site's value; a read-modify-write is one
 * message that adds the increment and replies with the new value, so the store does the read and the write in one
 * step, with nobody else in between (two messages, a read and then a write, could lose another writer's update).
 * An operation's latency runs from sending its request to handling the reply. The total for the check is asked of
 * every store from outside ({@code AskPattern.ask}).
 */
final class PekkoMatrix implements W6Mix.Sites
{
    /** Store actors per worker thread. */
    static final int STORES_PER_WORKER = 10;
    /** Messages an operation takes: the request and the reply. */
    static final int MESSAGES_PER_OPERATION = 2;
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A store's messages.
     */
    sealed interface StoreMessage permits Read, Add, Total
    {
    }

    /**
     * Asks for a site's value.
     *
     * @param site    the site, in the store's range.
     * @param replyTo gets the {@link Value}.
     */
    record Read(int site, ActorRef<Value> replyTo) implements StoreMessage
    {
    }

    /**
     * Adds an increment to a site and asks for its new value.
     *
     * @param site      the site, in the store's range.
     * @param increment what to add.
     * @param replyTo   gets the new {@link Value}.
     */
    record Add(int site, long increment, ActorRef<Value> replyTo) implements StoreMessage
    {
    }

    /**
     * Asks for the sum of the store's sites.
     *
     * @param replyTo gets the {@link Sum}.
     */
    record Total(ActorRef<Sum> replyTo) implements StoreMessage
    {
    }

    /**
     * A store's sum of its sites.
     *
     * @param value the sum.
     */
    record Sum(double value)
    {
    }

    /**
     * A writer's messages.
     */
    sealed interface WriterMessage permits Go, Value
    {
    }

    /**
     * Starts a writer's round.
     *
     * @param seed       of the operations.
     * @param ops        M.
     * @param histogram  the writer's latencies, reset.
     * @param increments where the writer puts the sum of its increments, at its index.
     * @param done       where the writer puts the operations it ran, at its index.
     * @param finished   counted down by the writer at the end of its round.
     */
    record Go(long seed, long ops, Histogram histogram, long[] increments, long[] done, CountDownLatch finished)
        implements WriterMessage
    {
    }

    /**
     * A site's value, in reply to a {@link Read} or an {@link Add}.
     *
     * @param value the value.
     */
    record Value(double value) implements WriterMessage
    {
    }

    private final ActorSystem<PekkoCells.Run> system;
    private final ActorRef<StoreMessage>[] stores;
    private final ActorRef<WriterMessage>[] writers;

    @SuppressWarnings("unchecked")
    PekkoMatrix(final int keys, final int workers)
    {
        final int storeCount = Math.min(keys, STORES_PER_WORKER * workers);
        final int sitesPerStore = (keys + storeCount - 1) / storeCount;
        stores = (ActorRef<StoreMessage>[])new ActorRef<?>[storeCount];
        writers = (ActorRef<WriterMessage>[])new ActorRef<?>[workers];
        system = PekkoCells.start("w6", workers);
        final CountDownLatch spawned = new CountDownLatch(1);
        system.tell(new PekkoCells.Run((guardian) ->
        {
            for (int s = 0; s < storeCount; s++)
            {
                final int first = s * sitesPerStore;
                stores[s] = guardian.spawn(store(first, Math.max(0, Math.min(keys, first + sitesPerStore) - first)),
                    "store-" + s);
            }
            for (int w = 0; w < workers; w++)
            {
                final int index = w;
                writers[w] = guardian.spawn(Behaviors.setup(
                    (context) -> new Writer(context, index, stores, keys, sitesPerStore)), "writer-" + w);
            }
            spawned.countDown();
        }));
        Latches.await(spawned, W6Peer.ID, "pekko stores and writers");
    }

    /**
     * A store owning sites [first, first + length), all 0 at first.
     */
    static Behavior<StoreMessage> store(final int first, final int length)
    {
        return Behaviors.setup((context) ->
        {
            final double[] values = new double[length];
            return Behaviors.receive(StoreMessage.class)
                .onMessage(Read.class, (read) ->
                {
                    read.replyTo().tell(new Value(values[read.site() - first]));
                    return Behaviors.same();
                })
                .onMessage(Add.class, (add) ->
                {
                    final int i = add.site() - first;
                    values[i] += add.increment();
                    add.replyTo().tell(new Value(values[i]));
                    return Behaviors.same();
                })
                .onMessage(Total.class, (total) ->
                {
                    double sum = 0.0;
                    for (final double value : values)
                    {
                        sum += value;
                    }
                    total.replyTo().tell(new Sum(sum));
                    return Behaviors.same();
                })
                .build();
        });
    }

    /**
     * A writer: one operation in flight at a time, the next sent when the reply to the last one arrives.
     */
    static final class Writer extends AbstractBehavior<WriterMessage>
    {
        private final int index;
        private final ActorRef<StoreMessage>[] stores;
        private final int keys;
        private final int sitesPerStore;
        private final ActorRef<Value> self;
        private Go round;
        private long done;
        private long operation;
        private long startNs;
        private long increments;
        private double sink;

        Writer(final ActorContext<WriterMessage> context, final int index, final ActorRef<StoreMessage>[] stores,
            final int keys, final int sitesPerStore)
        {
            super(context);
            this.index = index;
            this.stores = stores;
            this.keys = keys;
            this.sitesPerStore = sitesPerStore;
            this.self = context.getSelf().narrow();
        }

        public Receive<WriterMessage> createReceive()
        {
            return newReceiveBuilder()
                .onMessage(Go.class, this::onGo)
                .onMessage(Value.class, this::onValue)
                .build();
        }

        private Behavior<WriterMessage> onGo(final Go go)
        {
            round = go;
            done = 0;
            increments = 0;
            if (go.ops() > 0)
            {
                send();
            }
            else
            {
                finish();
            }
            return this;
        }

        private Behavior<WriterMessage> onValue(final Value value)
        {
            W6Mix.record(round.histogram(), System.nanoTime() - startNs);
            sink += value.value();
            if (W6Mix.isUpdate(operation))
            {
                increments += W6Mix.increment(operation);
            }
            done++;
            if (done < round.ops())
            {
                send();
            }
            else
            {
                finish();
            }
            return this;
        }

        private void send()
        {
            operation = W6Mix.operation(round.seed(), index, done);
            final int key = W6Mix.key(operation, keys);
            final ActorRef<StoreMessage> store = stores[key / sitesPerStore];
            startNs = System.nanoTime();
            if (W6Mix.isUpdate(operation))
            {
                store.tell(new Add(key, W6Mix.increment(operation), self));
            }
            else
            {
                store.tell(new Read(key, self));
            }
        }

        private void finish()
        {
            round.increments()[index] = increments;
            round.done()[index] = done;
            round.finished().countDown();
        }
    }

    public String description()
    {
        return "pekko store actors' sites";
    }

    public double round(final long seed, final long opsPerWriter, final Histogram[] histograms,
        final long[] increments, final long[] ops)
    {
        final CountDownLatch finished = new CountDownLatch(writers.length);
        final long startNs = System.nanoTime();
        for (int w = 0; w < writers.length; w++)
        {
            writers[w].tell(new Go(seed, opsPerWriter, histograms[w], increments, ops, finished));
        }
        Latches.await(finished, W6Peer.ID, "pekko writers");
        return (System.nanoTime() - startNs) / 1e9;
    }

    public double total()
    {
        double total = 0.0;
        for (final ActorRef<StoreMessage> store : stores)
        {
            try
            {
                total += AskPattern.<StoreMessage, Sum>ask(store, Total::new, ASK_TIMEOUT, system.scheduler())
                    .toCompletableFuture().get().value();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while asking the pekko stores for their totals", ex);
            }
            catch (final ExecutionException ex)
            {
                throw new WorkloadCheckException(W6Peer.ID, "pekko store " + store.path().name() +
                    " did not give its total: " + ex.getCause());
            }
        }
        return total;
    }

    public void close()
    {
        PekkoCells.terminate(system, W6Peer.ID);
    }
}
