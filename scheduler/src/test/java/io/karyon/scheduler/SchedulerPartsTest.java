package io.karyon.scheduler;

import io.karyon.numa.TopologyReader;
import net.openhft.affinity.Affinity;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerPartsTest
{
    @Test
    void shouldCompleteATickOnlyWhenEveryWorkerArrived()
    {
        final TickBarrier barrier = new TickBarrier(3);
        assertFalse(barrier.isRunning());
        barrier.target(2);
        assertTrue(barrier.isRunning());
        barrier.arrive(0, 1);
        barrier.arrive(2, 1);
        assertFalse(barrier.isComplete(1));
        barrier.arrive(1, 1);
        assertTrue(barrier.isComplete(1));
        assertFalse(barrier.isComplete(2));
        barrier.complete(2);
        assertFalse(barrier.isRunning());
        assertEquals(1, barrier.finished(1));
        assertThrows(IllegalArgumentException.class, () -> new TickBarrier(0));
    }

    /**
     * Parked threads with no timeout are woken only by an unpark: the run's start wakes each registered worker, and
     * the run's completion the thread that waits for it.
     */
    @Test
    @Timeout(20)
    void shouldUnparkRestingWorkersAtTheTargetAndTheWaiterAtCompletion() throws InterruptedException
    {
        final TickBarrier barrier = new TickBarrier(2);
        final AtomicInteger registered = new AtomicInteger();
        final Thread[] workers = new Thread[2];
        for (int w = 0; w < 2; w++)
        {
            final int party = w;
            workers[w] = new Thread(() ->
            {
                barrier.register(party, Thread.currentThread());
                registered.incrementAndGet();
                while (barrier.target() < 1)
                {
                    LockSupport.park();
                }
                barrier.arrive(party, 1);
            });
            workers[w].start();
        }
        while (registered.get() < 2)
        {
            Thread.onSpinWait();
        }

        final Thread driver = Thread.currentThread();
        barrier.awaitedBy(driver);
        final Thread leader = new Thread(() ->
        {
            while (!barrier.isComplete(1))
            {
                Thread.onSpinWait();
            }
            barrier.complete(1);
        });
        leader.start();
        barrier.target(1);
        while (barrier.completed() < 1)
        {
            LockSupport.park();
        }
        barrier.awaitedBy(null);

        for (final Thread worker : workers)
        {
            worker.join();
        }
        leader.join();
        assertEquals(1, barrier.completed());
        barrier.close();
    }

    @Test
    void shouldMakeIdleStrategiesByName()
    {
        assertInstanceOf(BusySpinIdleStrategy.class, IdleStrategies.of("spin"));
        assertInstanceOf(BackoffIdleStrategy.class, IdleStrategies.of("backoff"));
        assertInstanceOf(YieldingIdleStrategy.class, IdleStrategies.of("yield"));
        assertInstanceOf(SleepingMillisIdleStrategy.class, IdleStrategies.of("sleep"));
        assertEquals("idle strategy must be one of [spin, backoff, yield, sleep]: idle=warp",
            assertThrows(IllegalArgumentException.class, () -> IdleStrategies.of("warp")).getMessage());
    }

    @Test
    void shouldPinThisThreadWhereTheOsAllows()
    {
        final int[] allowed = TopologyReader.readThisMachine().allowedCpus();
        final int[] result = new int[1];
        final String[] failure = new String[1];
        final Thread thread = new Thread(() ->
        {
            failure[0] = Pinning.pin(allowed[allowed.length - 1]);
            result[0] = Affinity.getAffinity().cardinality();
        });
        thread.start();
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
        assertTrue(allowed.length > 0, "the affinity mask can be read");
        if (null == failure[0])
        {
            assertEquals(1, result[0], "a pinned thread may run on one CPU only");
        }
        else
        {
            assertTrue(failure[0].contains("CPU " + allowed[allowed.length - 1]), failure[0]);
        }
    }

    @Test
    @Timeout(30)
    void shouldRecordTheFirstFaultWithTheWorkersRoleAndStopThatWorker()
    {
        final AtomicInteger calls = new AtomicInteger();
        final List<Agent> agents = new ArrayList<>();
        agents.add(new Agent()
        {
            public int doWork()
            {
                calls.incrementAndGet();
                return 0;
            }

            public String roleName()
            {
                return "karyon-worker-0";
            }
        });
        final IllegalStateException boom = new IllegalStateException("boom");
        agents.add(new Agent()
        {
            public int doWork()
            {
                throw boom;
            }

            public String roleName()
            {
                return "karyon-worker-1";
            }
        });
        try (Workers workers = Workers.start(agents, ThreadingMode.INVOKER, BackoffIdleStrategy::new, null, (w) -> { }))
        {
            workers.invoke();
            workers.invoke();
            assertEquals(2, calls.get());
            assertEquals("karyon-worker-1", workers.fault().role());
            assertSame(boom, workers.fault().cause());
        }
    }

    @Test
    @Timeout(30)
    void shouldRunDedicatedThreadsNamedAfterTheirWorkersAndEndThemOnClose() throws InterruptedException
    {
        final List<Agent> agents = new ArrayList<>();
        final String[] names = new String[2];
        final AtomicInteger started = new AtomicInteger();
        for (int i = 0; i < 2; i++)
        {
            final int id = i;
            agents.add(new Agent()
            {
                public void onStart()
                {
                    names[id] = Thread.currentThread().getName();
                    started.incrementAndGet();
                }

                public int doWork()
                {
                    return 0;
                }

                public String roleName()
                {
                    return "karyon-worker-" + id;
                }
            });
        }
        final Workers workers = Workers.start(agents, ThreadingMode.DEDICATED, BackoffIdleStrategy::new, null,
            (w) -> { });
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (started.get() < 2 && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
        assertEquals(2, workers.liveThreads());
        workers.close();
        assertEquals(0, workers.liveThreads());
        assertArrayEquals(new String[]{ "karyon-worker-0", "karyon-worker-1" }, names);
    }
}
