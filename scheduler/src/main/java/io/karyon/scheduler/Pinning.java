package io.karyon.scheduler;

import net.openhft.affinity.Affinity;

import java.util.BitSet;

/**
 * Binds threads to CPUs through Java-Thread-Affinity and reads the binding back to check it took.
 */
public final class Pinning
{
    private Pinning()
    {
    }

    /**
     * The CPUs the calling thread may run on (the process's affinity mask, when called before any pinning).
     *
     * @return CPU numbers, ascending; empty if the mask cannot be read.
     */
    public static int[] allowedCpus()
    {
        try
        {
            return Affinity.getAffinity().stream().toArray();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return new int[0];
        }
    }

    /**
     * A CPU for each worker: worker i gets the i-th allowed CPU. When there are more workers than CPUs, nobody is
     * pinned (two busy workers bound to one CPU would take turns at it).
     *
     * @param workers number of workers.
     * @param allowed CPUs that may be used.
     * @return the CPU of each worker, or null to pin nobody.
     */
    public static int[] plan(final int workers, final int[] allowed)
    {
        if (workers > allowed.length)
        {
            return null;
        }
        final int[] cpus = new int[workers];
        System.arraycopy(allowed, 0, cpus, 0, workers);
        return cpus;
    }

    /**
     * Binds the calling thread to one CPU and checks the binding by reading it back.
     *
     * @param cpu to bind to.
     * @return null when bound, else why not.
     */
    public static String pin(final int cpu)
    {
        try
        {
            Affinity.setAffinity(cpu);
            final BitSet bound = Affinity.getAffinity();
            if (1 != bound.cardinality() || !bound.get(cpu))
            {
                return "asked for CPU " + cpu + ", the OS reports affinity " + bound;
            }
            return null;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "binding to CPU " + cpu + " failed: " + ex;
        }
    }
}
