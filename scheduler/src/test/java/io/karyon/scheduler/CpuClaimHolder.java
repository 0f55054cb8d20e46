package io.karyon.scheduler;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A process that claims CPUs for {@link CpuClaimTest}: prints "held" (or "refused: ..."), then holds the claim until
 * its standard input ends, and releases it.
 */
public final class CpuClaimHolder
{
    private CpuClaimHolder()
    {
    }

    /**
     * Claims and holds.
     *
     * @param args the folder of the lock files, then the CPUs.
     * @throws IOException if standard input fails.
     */
    public static void main(final String[] args) throws IOException
    {
        final int[] cpus = new int[args.length - 1];
        for (int i = 1; i < args.length; i++)
        {
            cpus[i - 1] = Integer.parseInt(args[i]);
        }
        try (CpuClaim claim = CpuClaim.claim(Path.of(args[0]), cpus))
        {
            System.out.println(claim.isHeld() ? "held" : "refused: " + claim.refusal());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // Holds the claim until the test closes our input (or kills us).
            }
        }
    }
}
