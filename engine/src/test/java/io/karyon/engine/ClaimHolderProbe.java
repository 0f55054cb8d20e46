package io.karyon.engine;

import java.io.IOException;

/**
 * An organism in its own process for {@link WorkerPinningTest}: pinned to the CPU given, it prints "pinned N" and
 * holds its claim until its standard input ends.
 */
public final class ClaimHolderProbe
{
    private ClaimHolderProbe()
    {
    }

    /**
     * Launches, says where its worker runs, and waits.
     *
     * @param args the CPU.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final int cpu = Integer.parseInt(args[0]);
        try (Organism organism = Organism.launch(new Context().cpus(new int[]{ cpu }).idleStrategy("backoff")))
        {
            organism.run(1);
            System.out.println("pinned " + organism.workers().cpu(0));
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Holds the organism, and its claim, until the test closes our input or kills us.
            }
        }
    }
}
