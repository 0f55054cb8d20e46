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
