package io.karyon.scheduler;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A group of worker agents and the threads that run them, by {@link ThreadingMode}.
 * <p>
 * Each agent is guarded: the first exception that escapes an agent's own code is kept with the agent's role name
 * ({@link #fault()}), and that agent stops; whoever drives the workers checks the fault and stops the rest. Threads
 * are daemons named after their agent's role, and pinned (and the pinning read back) when a CPU plan is given.
 * <p>
 * <b>Note:</b> start, invoke and close from one thread.
 */
public final class Workers implements AutoCloseable
{
    /**
     * An escaped exception and the worker it escaped from.
     *
     * @param role  of the worker, e.g. "karyon-worker-1".
     * @param cause what was thrown.
     */
    public record Fault(String role, Throwable cause)
    {
    }

    /** How long a close waits for a thread at a time before it looks at its deadline again. */
    private static final int CLOSE_RETRY_MS = 100;

    private final ThreadingMode mode;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AgentInvoker[] invokers;
    private final List<String> abandoned = new ArrayList<>();
    private boolean closed;

    private Workers(
        final List<? extends Agent> agents,
        final ThreadingMode mode,
        final Supplier<IdleStrategy> idleStrategies,
        final int[] cpus,
        final Consumer<String> warnings)
    {
        this.mode = mode;
        final List<Agent> guarded = new ArrayList<>(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final int cpu = null == cpus || ThreadingMode.DEDICATED != mode ? -1 : cpus[i];
            guarded.add(new GuardedAgent(agents.get(i), cpu, fault, warnings));
        }
        final ErrorHandler errorHandler = this::onError;
        switch (mode)
        {
            case DEDICATED:
                invokers = null;
                for (final Agent agent : guarded)
                {
                    final AgentRunner runner = new AgentRunner(idleStrategies.get(), errorHandler, null, agent);
                    runners.add(runner);
                    AgentRunner.startOnThread(runner, Workers::daemon);
                }
                break;
            case SHARED:
                invokers = null;
                final AgentRunner runner = new AgentRunner(
                    idleStrategies.get(), errorHandler, null, new CompositeAgent(guarded));
                runners.add(runner);
                AgentRunner.startOnThread(runner, Workers::daemon);
                break;
            default:
                invokers = new AgentInvoker[guarded.size()];
                for (int i = 0; i < invokers.length; i++)
                {
                    invokers[i] = new AgentInvoker(errorHandler, (AtomicCounter)null, guarded.get(i));
                    invokers[i].start();
                }
                break;
        }
    }

    /**
     * Starts agents.
     *
     * @param agents         to run, one per worker.
     * @param mode           how they get threads.
     * @param idleStrategies makes one idle strategy per thread.
     * @param cpus           CPU of each agent (DEDICATED only), or null for no pinning.
     * @param warnings       where pinning warnings go.
     * @return the running group.
     */
    public static Workers start(
        final List<? extends Agent> agents,
        final ThreadingMode mode,
        final Supplier<IdleStrategy> idleStrategies,
        final int[] cpus,
        final Consumer<String> warnings)
    {
        if (null != cpus && cpus.length != agents.size())
        {
            throw new IllegalArgumentException("one CPU per agent: agents=" + agents.size() + " cpus=" + cpus.length);
        }
        return new Workers(agents, mode, idleStrategies, cpus, warnings);
    }

    /**
     * The threading mode.
     *
     * @return mode.
     */
    public ThreadingMode mode()
    {
        return mode;
    }

    /**
     * In {@link ThreadingMode#INVOKER} mode, runs each agent's duty cycle once, in order; elsewhere does nothing.
     *
     * @return the work done.
     */
    public int invoke()
    {
        if (null == invokers)
        {
            return 0;
        }
        int workCount = 0;
        for (final AgentInvoker invoker : invokers)
        {
            if (!invoker.isClosed())
            {
                workCount += invoker.invoke();
            }
        }
        return workCount;
    }

    /**
     * The first fault that escaped a worker, or null.
     *
     * @return the fault or null.
     */
    public Fault fault()
    {
        return fault.get();
    }

    /**
     * Stops every agent and waits for its thread to end, however long that takes.
     */
    public void close()
    {
        close(Long.MAX_VALUE);
    }

    /**
     * Stops every agent and waits, up to a deadline, for its thread to end. A thread still running its agent's duty
     * cycle at the deadline (a behaviour that never returns: Java cannot stop it safely) is abandoned: it ends by
     * itself if that duty cycle ever returns, and until then whatever it uses must stay allocated.
     *
     * @param timeoutNs longest wait for all the threads together; {@link Long#MAX_VALUE} to wait for ever.
     * @return the role names of the threads abandoned (empty when every thread ended), e.g. "karyon-worker-0".
     */
    public List<String> close(final long timeoutNs)
    {
        if (closed)
        {
            return abandoned();
        }
        closed = true;
        final long deadlineNs = Long.MAX_VALUE == timeoutNs ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
        for (final AgentRunner runner : runners)
        {
            if (Long.MAX_VALUE == deadlineNs)
            {
                runner.close();
            }
            else if (!closeBy(runner, deadlineNs))
            {
                abandoned.add(runner.agent().roleName());
            }
        }
        if (null != invokers)
        {
            for (final AgentInvoker invoker : invokers)
            {
                invoker.close();
            }
        }
        return abandoned();
    }

    /**
     * Closes a runner, joining its thread in short waits until it ends or the deadline passes.
     *
     * @return false if the deadline passed with the thread still running.
     */
    private static boolean closeBy(final AgentRunner runner, final long deadlineNs)
    {
        try
        {
            // AgentRunner retries for ever; its fail action, called after each wait, is where a deadline can end it.
            runner.close(CLOSE_RETRY_MS, (thread) ->
            {
                if (System.nanoTime() - deadlineNs >= 0)
                {
                    throw new AbandonedException();
                }
            });
            return true;
        }
        catch (final AbandonedException ex)
        {
            return false;
        }
    }

    /**
     * Role names of the threads {@link #close(long)} abandoned.
     *
     * @return the roles; empty unless a close gave up on a thread.
     */
    public List<String> abandoned()
    {
        return List.copyOf(abandoned);
    }

    /**
     * Threads still running, for checks that nothing leaks.
     *
     * @return the number of live worker threads.
     */
    public int liveThreads()
    {
        int live = 0;
        for (final AgentRunner runner : runners)
        {
            final Thread thread = runner.thread();
            if (null != thread && thread != AgentRunner.TOMBSTONE && thread.isAlive())
            {
                live++;
            }
        }
        return live;
    }

    private void onError(final Throwable throwable)
    {
        if (!(throwable instanceof AgentTerminationException))
        {
            fault.compareAndSet(null, new Fault("karyon-workers", throwable));
        }
    }

    /**
     * Ends a close that ran past its deadline; it fills in no stack trace, as it never leaves this class.
     */
    static final class AbandonedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        AbandonedException()
        {
            super(null, null, false, false);
        }
    }

    private static Thread daemon(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Records the first exception that escapes the agent and stops it; pins its thread on start.
     */
    static final class GuardedAgent implements Agent
    {
        private final Agent agent;
        private final int cpu;
        private final AtomicReference<Fault> fault;
        private final Consumer<String> warnings;

        GuardedAgent(final Agent agent, final int cpu, final AtomicReference<Fault> fault,
            final Consumer<String> warnings)
        {
            this.agent = agent;
            this.cpu = cpu;
            this.fault = fault;
            this.warnings = warnings;
        }

        public void onStart()
        {
            if (cpu >= 0)
            {
                final String failure = Pinning.pin(cpu);
                if (null != failure)
                {
                    warnings.accept(agent.roleName() + " runs unpinned: " + failure);
                }
            }
            agent.onStart();
        }

        public int doWork()
        {
            try
            {
                return agent.doWork();
            }
            catch (final Throwable t)
            {
                fault.compareAndSet(null, new Fault(agent.roleName(), t));
                throw new AgentTerminationException(t);
            }
        }

        public void onClose()
        {
            agent.onClose();
        }

        public String roleName()
        {
            return agent.roleName();
        }
    }
}
