package io.karyon.engine;

import io.karyon.numa.BindType;
import io.karyon.numa.Cpu;
import io.karyon.numa.Topology;
import io.karyon.scheduler.CpuClaim;
import io.karyon.scheduler.ThreadingMode;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Where an organism's workers run: the CPU of each (planned by the bind type among the allowed CPUs, or among
 * {@link Context#cpus()}), claimed for the organism's life with a {@link CpuClaim}, and the idle strategy they use.
 * <p>
 * When another organism (of this process or another) has claimed any of those CPUs, the workers run unpinned and, if
 * they were to busy-spin, back off instead: two spinning workers pinned to one CPU take turns a scheduler time slice
 * at a time, which made two 2-worker runs on one machine take 38-143 s instead of 2 s. That is said once, in one
 * warning naming the CPUs and the holder's pid.
 * <p>
 * <b>Note:</b> not threadsafe; made and closed by the driver.
 */
final class WorkerPinning implements AutoCloseable
{
    private static final String SPIN = "spin";
    private static final String BACKOFF = "backoff";

    private final int[] cpus;
    private final String idleStrategy;
    private final CpuClaim claim;

    private WorkerPinning(final int[] cpus, final String idleStrategy, final CpuClaim claim)
    {
        this.cpus = cpus;
        this.idleStrategy = idleStrategy;
        this.claim = claim;
    }

    /**
     * Plans and claims the workers' CPUs.
     *
     * @param context     concluded.
     * @param workerCount of the organism.
     * @return the pinning; close it when the workers have stopped.
     */
    static WorkerPinning plan(final Context context, final int workerCount)
    {
        final int[] planned = planCpus(context, workerCount);
        if (null == planned)
        {
            return new WorkerPinning(null, context.idleStrategy(), null);
        }
        final CpuClaim claim = CpuClaim.claim(CpuClaim.directory(), planned);
        switch (claim.state())
        {
            case HELD:
                return new WorkerPinning(planned, context.idleStrategy(), claim);
            case UNAVAILABLE:
                context.warnings().accept(claim.refusal() + ": workers pinned without a claim");
                return new WorkerPinning(planned, context.idleStrategy(), null);
            default:
                final boolean spin = SPIN.equals(context.idleStrategy());
                context.warnings().accept(claim.refusal() + ": " + workerCount + " worker(s) run unpinned" +
                    (spin ? " with the backoff idle strategy" : ""));
                return new WorkerPinning(null, spin ? BACKOFF : context.idleStrategy(), null);
        }
    }

    /**
     * The CPU each worker is pinned to, or null when workers run unpinned: pinning off, not a thread per worker, or
     * more workers than CPUs (two busy workers bound to one CPU would take turns).
     */
    private static int[] planCpus(final Context context, final int workerCount)
    {
        if (ThreadingMode.DEDICATED != context.threadingMode())
        {
            return null;
        }
        final int[] only = context.cpus();
        final BindType bindType = context.bindType();
        if (null != only)
        {
            final int[] order = BindType.U == bindType ? only : among(bindType.cpuOrder(Workforce.machine()), only);
            return Arrays.copyOf(order, workerCount);
        }
        if (!context.pin() || BindType.U == bindType)
        {
            return null;
        }
        final Topology topology = Workforce.machine();
        topology.warnings().forEach(context.warnings());
        if (workerCount > topology.allowedCpus().length)
        {
            context.warnings().accept(workerCount + " workers, " + topology.allowedCpus().length +
                " CPUs allowed: workers run unpinned");
            return null;
        }
        return bindType.plan(topology, workerCount);
    }

    /**
     * The CPUs of an order that are in a set, in the order's order.
     */
    private static int[] among(final int[] order, final int[] set)
    {
        final BitSet wanted = new BitSet();
        for (final int cpu : set)
        {
            wanted.set(cpu);
        }
        return Arrays.stream(order).filter(wanted::get).toArray();
    }

    /**
     * Checks CPUs given to {@link Context#cpus(int[])} against this process's allowed CPUs and the worker count.
     *
     * @param cpus        given.
     * @param workerCount given, 0 for one per CPU.
     * @param topology    of this machine.
     * @throws ConfigurationException naming the first problem.
     */
    static void checkCpus(final int[] cpus, final int workerCount, final Topology topology)
    {
        if (0 == cpus.length)
        {
            throw new ConfigurationException("cpus must name at least one CPU");
        }
        final BitSet allowed = new BitSet();
        for (final int cpu : topology.allowedCpus())
        {
            allowed.set(cpu);
        }
        final BitSet seen = new BitSet();
        for (final int cpu : cpus)
        {
            if (cpu < 0 || !allowed.get(cpu))
            {
                throw new ConfigurationException("cpus must be CPUs this process may run on (" +
                    Cpu.formatList(topology.allowedCpus()) + "): CPU " + cpu + " is not");
            }
            if (seen.get(cpu))
            {
                throw new ConfigurationException("cpus must be distinct: CPU " + cpu + " is given twice");
            }
            seen.set(cpu);
        }
        if (workerCount > cpus.length)
        {
            throw new ConfigurationException(Configuration.WORKER_COUNT_PROP_NAME + " must be <= the " + cpus.length +
                " CPU(s) given: workerCount=" + workerCount);
        }
    }

    /**
     * The CPU of each worker, or null when they run unpinned.
     */
    int[] cpus()
    {
        return cpus;
    }

    /**
     * The idle strategy the workers use: the context's, or backoff instead of spin when the CPUs were busy.
     */
    String idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * Releases the claim on the CPUs; call once the workers have stopped.
     */
    public void close()
    {
        if (null != claim)
        {
            claim.close();
        }
    }
}
