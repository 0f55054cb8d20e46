package io.karyon.perf.jmh;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JVM flags every JMH fork runs with: the project's flags from the parent pom ({@code karyon.jvm.flags}, written
 * next to this class as {@code jvm.flags} by the build), the Java 24+ ones when the fork's JVM is 24 or newer, and
 * {@link #BOUNDS_CHECKS_OFF}.
 * <p>
 * Forks inherit the host JVM's flags as well, so only those the host lacks are added ({@link #missingFromHost()}): a
 * host started bare ({@code java -jar perf/target/benchmarks.jar}) still gives its forks what Agrona and Chronicle
 * need.
 */
public final class JmhFlags
{
    /**
     * Benchmarks run without Agrona's bounds checks (STYLE 4.7), and so without the cell state checks that follow the
     * same switch ({@code CellFlyweight.CHECKS}); tests keep both on.
     */
    public static final String BOUNDS_CHECKS_OFF = "-Dagrona.disable.bounds.checks=true";

    private JmhFlags()
    {
    }

    /**
     * The flags for a fork of this JVM.
     *
     * @return the flags, one per element.
     * @throws IllegalStateException if the build did not write the flags into the jar, or left them unfiltered.
     */
    public static String[] forkFlags()
    {
        final List<String> flags = new ArrayList<>(split(read("jvm.flags")));
        if (Runtime.version().feature() >= 24)
        {
            flags.addAll(split(read("jvm24.flags")));
        }
        flags.add(BOUNDS_CHECKS_OFF);
        return flags.toArray(new String[0]);
    }

    /**
     * The fork flags that the host JVM was not started with, and which its forks therefore do not inherit.
     *
     * @return the missing flags, possibly none.
     */
    public static String[] missingFromHost()
    {
        final List<String> host = ManagementFactory.getRuntimeMXBean().getInputArguments();
        final List<String> missing = new ArrayList<>();
        for (final String flag : forkFlags())
        {
            if (!host.contains(flag))
            {
                missing.add(flag);
            }
        }
        return missing.toArray(new String[0]);
    }

    /**
     * Runs the benchmarks of one class, for the {@code main} of each benchmark class.
     *
     * @param benchmark class whose benchmarks run.
     * @param args      further JMH options, e.g. {@code -f 1 -wi 1 -i 3 -p cells=1000}.
     * @throws RunnerException            if a benchmark fails.
     * @throws CommandLineOptionException if an option is not JMH's.
     */
    public static void runClass(final Class<?> benchmark, final String[] args)
        throws RunnerException, CommandLineOptionException
    {
        new Runner(new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include("^" + Pattern.quote(benchmark.getName() + "."))
            .jvmArgsPrepend(missingFromHost())
            .build()).run();
    }

    private static String read(final String resource)
    {
        try (InputStream in = JmhFlags.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                throw new IllegalStateException("resource " + resource + " is missing next to " +
                    JmhFlags.class.getName() + ": build the jar with Maven (mvn -pl perf -am package)");
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (text.contains("${"))
            {
                throw new IllegalStateException("resource " + resource + " was not filtered by Maven: " + text);
            }
            return text;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read resource " + resource, ex);
        }
    }

    private static List<String> split(final String line)
    {
        final List<String> flags = new ArrayList<>();
        for (final String flag : line.split("\\s+"))
        {
            if (!flag.isEmpty())
            {
                flags.add(flag);
            }
        }
        return flags;
    }
}
