package io.karyon.cli;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for {@code karyon run} in sweep tests, a JVM that starts fast: prints a summary with what it was given
 * ({@code --cpus}, {@code --workers}, a nonce that tells a rerun from a skipped run), or fails with exit 3 and a
 * line on stderr when {@code --supervisors 13}.
 */
public final class SweepFakeRun
{
    private SweepFakeRun()
    {
    }

    /**
     * Runs.
     *
     * @param args {@code run} and karyon run's options.
     */
    public static void main(final String[] args)
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++)
        {
            if (args[i].startsWith("--"))
            {
                final boolean flag = i + 1 == args.length || args[i + 1].startsWith("--");
                options.put(args[i], flag ? "true" : args[++i]);
            }
        }
        if ("13".equals(options.get("--supervisors")))
        {
            System.err.println("fake run: supervisors 13 fails");
            System.exit(3);
        }
        final long seed = Long.parseLong(options.get("--seed"));
        final long digest = seed * 31 + options.getOrDefault("--supervisors", "").hashCode();
        System.out.println(String.format(Locale.ROOT, "{\"engine\":\"fake\",\"seed\":%d,\"cells\":%s,\"workers\":%s," +
            "\"cpus\":\"%s\",\"idle\":\"%s\",\"nonce\":%d,\"rate\":1.5,\"deaths_by_reason\":{\"starved\":1}," +
            "\"digest\":\"0x%016x\"}",
            seed, options.getOrDefault("--cells", "0"), options.get("--workers"), options.getOrDefault("--cpus", ""),
            options.getOrDefault("--idle", ""), System.nanoTime(), digest));
    }
}
