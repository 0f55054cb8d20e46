package io.karyon.perf.peers;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.karyon.perf.WorkloadCheckException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code pekko} peer's runtime: an actor system whose default dispatcher is tuned for throughput as Pekko's
 * dispatcher documentation suggests (a fork-join executor with exactly {@code workers} threads, and {@code
 * throughput = 100} messages per actor before its thread moves on, against 5 by default), built from a config made
 * in code, and a guardian that spawns the cells in groups of {@link #GROUP}, each group an actor of its own.
 */
final class PekkoCells
{
    /** Cells per group actor: the groups spawn their cells in parallel and keep each parent's child table small. */
    static final int GROUP = 1_000;
    /** Messages an actor handles before its thread moves on to the next actor. */
    static final int THROUGHPUT = 100;
    /** slf4j-simple's level for Pekko's loggers, read when a logger is made. */
    static final String PEKKO_LOG_LEVEL_PROP_NAME = "org.slf4j.simpleLogger.log.org.apache.pekko";

    /**
     * A command to the guardian: runs the action in the guardian's context (spawning, or telling many cells).
     *
     * @param action spawning what is needed.
     */
    record Run(Consumer<ActorContext<Run>> action)
    {
    }

    /**
     * Where a spawned cell's reference goes; called in the spawning group actor.
     *
     * @param <T> the cell's message type.
     */
    interface Sink<T>
    {
        void spawned(int index, ActorRef<T> ref);
    }

    /**
     * The behaviour of cell i.
     *
     * @param <T> the cell's message type.
     */
    interface Factory<T>
    {
        Behavior<T> cell(int index);
    }

    private PekkoCells()
    {
    }

    static Config config(final int workers)
    {
        return ConfigFactory.parseString(String.format(Locale.ROOT,
            "pekko {%n" +
            "  loglevel = WARNING%n" +
            "  stdout-loglevel = WARNING%n" +
            "  loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]%n" +
            "  logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"%n" +
            "  log-dead-letters = off%n" +
            "  log-dead-letters-during-shutdown = off%n" +
            "  actor.default-dispatcher {%n" +
            "    executor = fork-join-executor%n" +
            "    throughput = %d%n" +
            "    fork-join-executor {%n" +
            "      parallelism-min = %d%n" +
            "      parallelism-factor = 1.0%n" +
            "      parallelism-max = %d%n" +
            "    }%n" +
            "  }%n" +
            "}%n", THROUGHPUT, workers, workers)).withFallback(ConfigFactory.load());
    }

    static ActorSystem<Run> start(final String name, final int workers)
    {
        // Pekko logs its logger's start at INFO; stderr is for progress lines. Warnings still show.
        if (null == System.getProperty(PEKKO_LOG_LEVEL_PROP_NAME))
        {
            System.setProperty(PEKKO_LOG_LEVEL_PROP_NAME, "warn");
        }
        final Behavior<Run> guardian = Behaviors.setup((context) -> Behaviors.receiveMessage((run) ->
        {
            run.action().accept(context);
            return Behaviors.same();
        }));
        return ActorSystem.create(guardian, name, config(workers));
    }

    /**
     * Spawns n cells in groups; the sink gets each reference. Returns at once, with a latch counted down after each
     * reference went to the sink (a cell may start before that: cells that must be running count themselves in).
     */
    static <T> CountDownLatch spawn(
        final ActorSystem<Run> system, final int n, final Factory<T> factory, final Sink<T> sink)
    {
        final CountDownLatch spawned = new CountDownLatch(n);
        system.tell(new Run((guardian) ->
        {
            for (int from = 0; from < n; from += GROUP)
            {
                final int first = from;
                final int last = Math.min(n, from + GROUP);
                guardian.spawnAnonymous(Behaviors.<Void>setup((group) ->
                {
                    for (int i = first; i < last; i++)
                    {
                        sink.spawned(i, group.spawnAnonymous(factory.cell(i)));
                        spawned.countDown();
                    }
                    return Behaviors.empty();
                }));
            }
        }));
        return spawned;
    }

    /**
     * Runs an action in the guardian actor, on a dispatcher thread: messages it sends go actor to actor, as in a
     * Pekko program, not in from outside the actor system one by one.
     */
    static void run(final ActorSystem<Run> system, final Runnable action)
    {
        system.tell(new Run((guardian) -> action.run()));
    }

    static void terminate(final ActorSystem<?> system, final String workload)
    {
        system.terminate();
        try
        {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new WorkloadCheckException(workload, "the pekko actor system did not terminate: " + ex);
        }
    }
}
