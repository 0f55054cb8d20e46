package io.karyon.cli;

import io.karyon.numa.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sweep shares this process's CPUs among the runs it keeps going at once, so that parallel runs never pin
 * busy-spinning workers to the same CPU: each run gets a disjoint share, and as many workers as its share has CPUs.
 * <p>
 * Physical cores first: with no more runs than cores, the cores are dealt out in contiguous groups (sizes differ by at
 * most one) and a run gets one hardware thread of each of its cores, because two busy workers on the two threads of
 * one core halve each other. With more runs than cores, each run gets one CPU: the first thread of every core, then
 * the second, and so on. With more runs than CPUs, shares repeat and are not exclusive: such runs are told not to pin
 * and to back off when idle, and the sweep says so.
 *
 * @param cpus      the share of each of the runs going at once (slot i's CPUs).
 * @param exclusive whether the shares are disjoint (runs pin to them).
 * @param note      a line to say when runs share cores or CPUs, else null.
 */
record SweepCpuShares(int[][] cpus, boolean exclusive, String note)
{
    /**
     * The allowed CPUs of a topology grouped by physical core, cores ordered by NUMA node then number.
     *
     * @param topology of this machine.
     * @return the allowed CPUs of each core, ascending within a core.
     */
    static int[][] coresOf(final Topology topology)
    {
        final Map<Integer, List<Integer>> byCore = new LinkedHashMap<>();
        for (final int cpu : topology.allowedCpus())
        {
            byCore.computeIfAbsent(topology.coreOfCpu(cpu), (core) -> new ArrayList<>()).add(cpu);
        }
        final List<int[]> cores = new ArrayList<>();
        for (final List<Integer> cpus : byCore.values())
        {
            cores.add(cpus.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        cores.sort(Comparator.<int[]>comparingInt((core) -> topology.nodeOfCpu(core[0]))
            .thenComparingInt((core) -> topology.coreOfCpu(core[0])));
        return cores.toArray(new int[0][]);
    }

    /**
     * Shares CPUs among runs going at once.
     *
     * @param cores    allowed CPUs grouped by physical core ({@link #coresOf(Topology)}), at least one.
     * @param parallel runs at once, at least one.
     * @return a share per run.
     */
    static SweepCpuShares share(final int[][] cores, final int parallel)
    {
        final int coreCount = cores.length;
        final int[][] shares = new int[parallel][];
        if (parallel <= coreCount)
        {
            int next = 0;
            for (int run = 0; run < parallel; run++)
            {
                final int size = coreCount / parallel + (run < coreCount % parallel ? 1 : 0);
                shares[run] = new int[size];
                for (int i = 0; i < size; i++)
                {
                    shares[run][i] = cores[next++][0];
                }
            }
            return new SweepCpuShares(shares, true, null);
        }
        final List<Integer> order = new ArrayList<>();
        for (int thread = 0; order.size() < totalCpus(cores); thread++)
        {
            for (final int[] core : cores)
            {
                if (thread < core.length)
                {
                    order.add(core[thread]);
                }
            }
        }
        for (int run = 0; run < parallel; run++)
        {
            shares[run] = new int[]{ order.get(run % order.size()) };
        }
        if (parallel <= order.size())
        {
            return new SweepCpuShares(shares, true, parallel + " runs at once on " + coreCount +
                " physical core(s): runs share cores, one CPU (hardware thread) each");
        }
        return new SweepCpuShares(shares, false, parallel + " runs at once on " + order.size() +
            " CPU(s): runs share CPUs, unpinned, one worker each, backing off when idle");
    }

    private static int totalCpus(final int[][] cores)
    {
        int total = 0;
        for (final int[] core : cores)
        {
            total += core.length;
        }
        return total;
    }

    /**
     * The shares as text, e.g. {@code "0-1 | 2-3"}.
     *
     * @return the text.
     */
    String describe()
    {
        final StringBuilder text = new StringBuilder();
        for (final int[] share : cpus)
        {
            text.append(text.length() > 0 ? " | " : "").append(CpuList.format(share));
        }
        return text.toString();
    }
}
