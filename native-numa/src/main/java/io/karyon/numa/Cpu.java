package io.karyon.numa;

import java.util.BitSet;

/**
 * CPU numbers and the kernel's cpulist text for sets of them ({@code "0-3,8,10-11"}), as written in sysfs files such
 * as {@code devices/system/cpu/online} and in the {@code Cpus_allowed_list:} line of {@code /proc/<pid>/status}.
 * <p>
 * <b>Note:</b> stateless; safe from any thread.
 */
public final class Cpu
{
    /**
     * Exclusive upper bound on CPU numbers. The kernel's NR_CPUS is at most 8192 today; the bound only stops a corrupt
     * file such as {@code "0-2147483647"} from making us allocate gigabytes.
     */
    public static final int MAX_CPUS = 65536;

    private Cpu()
    {
    }

    /**
     * Parses a cpulist: comma-separated CPU numbers and inclusive ranges {@code N-M} with {@code N <= M}. Surrounding
     * whitespace (the file's trailing newline) is ignored and empty text is the empty set, as the kernel writes for an
     * empty mask (for instance {@code devices/system/cpu/offline} when every CPU is online).
     *
     * @param text   to be parsed.
     * @param source where the text came from (a file name), put at the head of the error message.
     * @return the CPUs, ascending and without duplicates.
     * @throws IllegalArgumentException if an element is not a number or range below {@link #MAX_CPUS}, or a range
     *                                  runs downwards; the message names the source, the rule, the element and the
     *                                  text.
     */
    public static int[] parseList(final String text, final String source)
    {
        final String trimmed = text.strip();
        final BitSet cpus = new BitSet();
        if (trimmed.isEmpty())
        {
            return new int[0];
        }

        for (final String element : trimmed.split(",", -1))
        {
            final int dash = element.indexOf('-');
            final int first = parseNumber(0 > dash ? element : element.substring(0, dash));
            final int last = 0 > dash ? first : parseNumber(element.substring(dash + 1));
            if (0 > first || 0 > last || first > last)
            {
                throw new IllegalArgumentException(source + ": cpulist must be comma-separated CPU numbers or ranges " +
                    "N-M with N <= M < " + MAX_CPUS + ": bad \"" + element + "\" in \"" + trimmed + "\"");
            }
            cpus.set(first, last + 1);
        }

        return cpus.stream().toArray();
    }

    /**
     * Formats CPUs as a cpulist, the inverse of {@link #parseList(String, String)}: ascending, runs of two or more
     * consecutive CPUs as {@code N-M}.
     *
     * @param cpus to be formatted, in any order; duplicates are written once.
     * @return the cpulist, empty for no CPUs.
     */
    public static String formatList(final int[] cpus)
    {
        final BitSet set = new BitSet();
        for (final int cpu : cpus)
        {
            set.set(cpu);
        }

        final StringBuilder text = new StringBuilder();
        int first = set.nextSetBit(0);
        while (0 <= first)
        {
            final int end = set.nextClearBit(first);
            if (text.length() > 0)
            {
                text.append(',');
            }
            text.append(first);
            if (end - 1 > first)
            {
                text.append('-').append(end - 1);
            }
            first = set.nextSetBit(end);
        }

        return text.toString();
    }

    /**
     * A CPU number: ASCII digits only, below {@link #MAX_CPUS}.
     *
     * @param digits to be parsed.
     * @return the number, or -1 if it is not one.
     */
    private static int parseNumber(final String digits)
    {
        if (digits.isEmpty() || digits.length() > 5)
        {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < digits.length(); i++)
        {
            final char c = digits.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }

        return value < MAX_CPUS ? value : -1;
    }
}
