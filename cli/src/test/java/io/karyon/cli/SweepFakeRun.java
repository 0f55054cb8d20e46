package io.karyon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A stand-in for {@code karyon run} in sweep tests, a JVM that starts fast: prints a summary with what it was given
 * ({@code --cpus}, {@code --workers}, a nonce that tells a rerun from a skipped run) and writes it to
 * {@code --out DIR/summary.json}; or fails with exit 3 and a line on stderr for {@code --set contacts=13}.
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
     * @throws IOException if --out cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.startsWith("--"))
            {
                final String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                final int eq = value.indexOf('=');
                if ("--set".equals(arg))
                {
                    options.put(value.substring(0, eq), value.substring(eq + 1));
                }
                else
                {
                    options.put(arg, value);
                }
            }
        }
        if ("13".equals(options.get("contacts")))
        {
            System.err.println("fake run: contacts 13 fails");
            System.exit(3);
        }
        final long seed = Long.parseLong(options.get("--seed"));
        final long digest = seed * 31 + options.getOrDefault("contacts", "").hashCode();
        final String summary = String.format(Locale.ROOT, "{\"model\":\"sweeptest\",\"seed\":%d,\"cells\":%s," +
            "\"workers\":%s,\"cpus\":\"%s\",\"idle\":\"%s\",\"nonce\":%d,\"rate\":1.5,\"parameters\":{\"x\":1}," +
            "\"digest\":\"0x%016x\"}",
            seed, options.getOrDefault("--cells", "0"), options.get("--workers"), options.getOrDefault("--cpus", ""),
            options.getOrDefault("--idle", ""), System.nanoTime(), digest);
        if (options.containsKey("--out"))
        {
            Files.writeString(Path.of(options.get("--out")).resolve("summary.json"), summary);
        }
        System.out.println(summary);
    }
}
