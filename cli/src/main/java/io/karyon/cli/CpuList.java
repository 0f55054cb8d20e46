package io.karyon.cli;

import io.karyon.numa.Cpu;

import java.util.BitSet;

/**
 * The CPU lists of {@code karyon run --cpus} and {@code karyon sweep}: the kernel's cpulist syntax ({@code 0-3,6}),
 * each CPU once, each one this process may run on.
 * <p>
 * <b>Note:</b> stateless.
 */
final class CpuList
{
    private CpuList()
    {
    }

    /**
     * Parses a CPU list and checks it against the CPUs this process may use.
     *
     * @param text    e.g. {@code "0-3,6"}.
     * @param allowed CPUs this process may run on.
     * @return the CPUs, in the order given.
     * @throws IllegalArgumentException in one line naming the bad element and the text.
     */
    static int[] parse(final String text, final int[] allowed)
    {
        final String trimmed = null == text ? "" : text.strip();
        if (trimmed.isEmpty())
        {
            throw new IllegalArgumentException("must name at least one CPU, e.g. 0-3,6, was '" + text + "'");
        }
        final BitSet may = new BitSet();
        for (final int cpu : allowed)
        {
            may.set(cpu);
        }
        final BitSet seen = new BitSet();
        final int[] cpus = new int[Cpu.MAX_CPUS];
        int count = 0;
        for (final String element : trimmed.split(",", -1))
        {
            final int[] range;
            try
            {
                range = element.isBlank() ? new int[0] : Cpu.parseList(element, "");
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("bad element '" + element + "' in '" + trimmed +
                    "': CPU numbers and ranges N-M with N <= M, separated by commas");
            }
            if (0 == range.length)
            {
                throw new IllegalArgumentException("empty element in '" + trimmed + "'");
            }
            for (final int cpu : range)
            {
                if (seen.get(cpu))
                {
                    throw new IllegalArgumentException("CPU " + cpu + " is given twice in '" + trimmed + "'");
                }
                if (!may.get(cpu))
                {
                    throw new IllegalArgumentException("CPU " + cpu + " is not one this process may run on (" +
                        Cpu.formatList(allowed) + ")");
                }
                seen.set(cpu);
                cpus[count++] = cpu;
            }
        }
        final int[] result = new int[count];
        System.arraycopy(cpus, 0, result, 0, count);
        return result;
    }

    /**
     * Formats CPUs as a cpulist, ascending with ranges.
     *
     * @param cpus to format.
     * @return e.g. {@code "0-3,6"}.
     */
    static String format(final int[] cpus)
    {
        return Cpu.formatList(cpus);
    }
}
