package io.karyon.perf.jmh;

import org.openjdk.jmh.Main;

import java.util.ArrayList;
import java.util.List;

/**
 * Main class of {@code perf/target/benchmarks.jar}: JMH's own command line ({@code org.openjdk.jmh.Main}, so
 * {@code -h}, {@code -l}, a benchmark regex, {@code -f}, {@code -wi}, {@code -rf json} all work), with the project's
 * JVM flags prepended to every fork's where the host JVM lacks them ({@link JmhFlags#missingFromHost()}).
 * <pre>
 *   java -jar perf/target/benchmarks.jar -l
 *   java -jar perf/target/benchmarks.jar ChannelBenchmark -f 1 -wi 1 -i 3
 * </pre>
 */
public final class Benchmarks
{
    private Benchmarks()
    {
    }

    /**
     * Runs JMH with the project's fork flags that the host lacks in front of any {@code -jvmArgsPrepend} given.
     *
     * @param args JMH options.
     * @throws Exception as JMH's main does.
     */
    public static void main(final String[] args) throws Exception
    {
        final StringBuilder prepend = new StringBuilder(String.join(" ", JmhFlags.missingFromHost()));
        final List<String> rest = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++)
        {
            if ("-jvmArgsPrepend".equals(args[i]) && i + 1 < args.length)
            {
                prepend.append(prepend.length() > 0 ? " " : "").append(args[++i]);
            }
            else
            {
                rest.add(args[i]);
            }
        }
        if (prepend.length() > 0)
        {
            rest.add(0, "-jvmArgsPrepend");
            rest.add(1, prepend.toString());
        }
        Main.main(rest.toArray(new String[0]));
    }
}
