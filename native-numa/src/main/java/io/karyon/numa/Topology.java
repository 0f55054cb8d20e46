package io.karyon.numa;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU topology of one machine as this process sees it: NUMA nodes, packages (sockets), physical cores with their
 * SMT sibling threads, the online CPUs, the CPUs this process may use (its affinity mask), the cgroup CPU quota, and
 * any warning about what could not be read. Built by {@link TopologyReader}.
 * <p>
 * Every online CPU belongs to exactly one node, one package and one core. Cores are numbered machine-wide from 0 in the
 * order of their lowest CPU; nodes and packages keep the kernel's ids.
 * <p>
 * <b>Note:</b> immutable; safe to share between threads. Arrays handed out are copies.
 */
public final class Topology
{
    /**
     * What {@link #cpuQuota()} returns when no cgroup CPU quota applies.
     */
    public static final double NO_CPU_QUOTA = Double.NaN;

    private final int[] onlineCpus;
    private final int[] allowedCpus;
    private final int[] nodeByCpu;
    private final int[] packageByCpu;
    private final int[] coreByCpu;
    private final int[] nodes;
    private final int[][] cpusByNode;
    private final int[][] cpusByCore;
    private final double cpuQuota;
    private final List<String> warnings;

    /**
     * A topology from per-CPU facts; the reader and tests call this.
     *
     * @param onlineCpus  ascending, at least one.
     * @param nodeOf      NUMA node id of each online CPU, same index as {@code onlineCpus}.
     * @param packageOf   package id of each online CPU.
     * @param coreKeyOf   any number shared by exactly the CPUs of one physical core.
     * @param allowedCpus ascending, a non-empty subset of {@code onlineCpus}.
     * @param cpuQuota    in CPUs, or {@link #NO_CPU_QUOTA}.
     * @param warnings    what could not be read, at most one entry.
     * @throws IllegalArgumentException if the arrays disagree in length or the CPU lists break the rules above.
     */
    Topology(
        final int[] onlineCpus,
        final int[] nodeOf,
        final int[] packageOf,
        final int[] coreKeyOf,
        final int[] allowedCpus,
        final double cpuQuota,
        final List<String> warnings)
    {
        final int count = onlineCpus.length;
        if (0 == count || nodeOf.length != count || packageOf.length != count || coreKeyOf.length != count)
        {
            throw new IllegalArgumentException(
                "onlineCpus must be non-empty and nodeOf, packageOf, coreKeyOf as long: onlineCpus.length=" + count +
                " nodeOf.length=" + nodeOf.length + " packageOf.length=" + packageOf.length +
                " coreKeyOf.length=" + coreKeyOf.length);
        }
        checkAscending("onlineCpus", onlineCpus);
        checkAscending("allowedCpus", allowedCpus);

        final int maxCpu = onlineCpus[count - 1];
        this.onlineCpus = onlineCpus.clone();
        this.nodeByCpu = filled(maxCpu + 1);
        this.packageByCpu = filled(maxCpu + 1);
        this.coreByCpu = filled(maxCpu + 1);

        final Map<Integer, Integer> coreByKey = new HashMap<>();
        for (int i = 0; i < count; i++)
        {
            final int cpu = onlineCpus[i];
            nodeByCpu[cpu] = nodeOf[i];
            packageByCpu[cpu] = packageOf[i];
            coreByCpu[cpu] = coreByKey.computeIfAbsent(coreKeyOf[i], (key) -> coreByKey.size());
        }

        this.cpusByCore = new int[coreByKey.size()][];
        for (int core = 0; core < cpusByCore.length; core++)
        {
            cpusByCore[core] = select(coreByCpu, core);
        }

        this.nodes = Arrays.stream(nodeOf).distinct().sorted().toArray();
        this.cpusByNode = new int[nodes.length][];
        for (int i = 0; i < nodes.length; i++)
        {
            cpusByNode[i] = select(nodeByCpu, nodes[i]);
        }

        boolean subset = allowedCpus.length > 0;
        for (final int cpu : allowedCpus)
        {
            subset &= cpu <= maxCpu && 0 <= nodeByCpu[cpu];
        }
        if (!subset)
        {
            throw new IllegalArgumentException("allowedCpus must be a non-empty subset of onlineCpus: allowedCpus=" +
                Cpu.formatList(allowedCpus) + " onlineCpus=" + Cpu.formatList(onlineCpus));
        }
        this.allowedCpus = allowedCpus.clone();
        this.cpuQuota = cpuQuota;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * The NUMA nodes that have online CPUs.
     *
     * @return node ids, ascending.
     */
    public int[] nodes()
    {
        return nodes.clone();
    }

    /**
     * The online CPUs of a NUMA node, whether this process may use them or not.
     *
     * @param node id, one of {@link #nodes()}.
     * @return CPUs, ascending.
     * @throws IllegalArgumentException if the node has no online CPUs or does not exist.
     */
    public int[] cpusOfNode(final int node)
    {
        final int index = Arrays.binarySearch(nodes, node);
        if (0 > index)
        {
            throw new IllegalArgumentException("node must be one of " + Arrays.toString(nodes) + ": node=" + node);
        }

        return cpusByNode[index].clone();
    }

    /**
     * The NUMA node of an online CPU.
     *
     * @param cpu online CPU number.
     * @return node id.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int nodeOfCpu(final int cpu)
    {
        return nodeByCpu[checkOnline(cpu)];
    }

    /**
     * The package (socket, {@code physical_package_id}) of an online CPU.
     *
     * @param cpu online CPU number.
     * @return package id.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int packageOfCpu(final int cpu)
    {
        return packageByCpu[checkOnline(cpu)];
    }

    /**
     * The machine-wide index of the physical core an online CPU runs on: cores are numbered from 0 in the order of
     * their lowest CPU, so two CPUs have the same index exactly when they are SMT siblings.
     *
     * @param cpu online CPU number.
     * @return core index, in {@code [0, coreCount())}.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int coreOfCpu(final int cpu)
    {
        return coreByCpu[checkOnline(cpu)];
    }

    /**
     * The online hardware threads of the physical core an online CPU runs on, the CPU itself included (as in the
     * kernel's {@code core_cpus_list}).
     *
     * @param cpu online CPU number.
     * @return CPUs, ascending; just {@code cpu} without SMT.
     * @throws IllegalArgumentException if the CPU is not online.
     */
    public int[] siblingsOf(final int cpu)
    {
        return cpusByCore[coreByCpu[checkOnline(cpu)]].clone();
    }

    /**
     * The number of physical cores with at least one online CPU.
     *
     * @return core count, at least 1.
     */
    public int coreCount()
    {
        return cpusByCore.length;
    }

    /**
     * The online CPUs, offline ones excluded.
     *
     * @return CPUs, ascending, at least one.
     */
    public int[] onlineCpus()
    {
        return onlineCpus.clone();
    }

    /**
     * The physical cores this process may run on: those with at least one CPU in its affinity mask. One busy-spinning
     * worker per core is the most that helps: two on the SMT siblings of one core share its execution units and
     * caches, so each gets about half of it.
     *
     * @return cores with at least one allowed CPU, at least 1.
     */
    public int allowedCoreCount()
    {
        final BitSet cores = new BitSet();
        for (final int cpu : allowedCpus)
        {
            cores.set(coreByCpu[cpu]);
        }
        return Math.max(1, cores.cardinality());
    }

    /**
     * The online CPUs this process may run on: its affinity mask ({@code Cpus_allowed_list}) without offline CPUs.
     *
     * @return CPUs, ascending, at least one.
     */
    public int[] allowedCpus()
    {
        return allowedCpus.clone();
    }

    /**
     * The cgroup v2 CPU quota: how many CPUs' worth of time this process's cgroup may use per period, which can be
     * fewer than {@link #allowedCpus()} (busy-spinning more workers than that makes the cgroup throttle them all).
     *
     * @return quota in CPUs, such as 1.5, or {@link #NO_CPU_QUOTA} (NaN) when there is none.
     */
    public double cpuQuota()
    {
        return cpuQuota;
    }

    /**
     * Whether a cgroup CPU quota applies.
     *
     * @return true if {@link #cpuQuota()} is a number.
     */
    public boolean hasCpuQuota()
    {
        return !Double.isNaN(cpuQuota);
    }

    /**
     * What could not be read and what was assumed instead. A topology read from a complete sysfs has none; otherwise
     * there is exactly one, saying for each part that could not be read which file was missing or malformed, where,
     * and what was assumed instead.
     *
     * @return an unmodifiable list of at most one warning.
     */
    public List<String> warnings()
    {
        return warnings;
    }

    /**
     * A human-readable summary, one line for the machine, one for the allowed CPUs, one for the quota, one per node
     * and one for the warning if there is one. Used by the {@code karyon topology} command.
     *
     * @return lines separated by {@code '\n'}, with a trailing newline.
     */
    public String describe()
    {
        int maxThreads = 0;
        for (final int[] core : cpusByCore)
        {
            maxThreads = Math.max(maxThreads, core.length);
        }

        final StringBuilder text = new StringBuilder();
        text.append("CPU topology: ")
            .append(count(nodes.length, "NUMA node")).append(", ")
            .append(count(distinctValues(packageByCpu, onlineCpus).length, "package")).append(", ")
            .append(count(cpusByCore.length, "core")).append(", ")
            .append(count(onlineCpus.length, "online CPU"))
            .append(" (up to ").append(maxThreads).append(" per core)\n");
        text.append("  allowed CPUs: ").append(Cpu.formatList(allowedCpus))
            .append(" (").append(allowedCpus.length).append(" of ").append(onlineCpus.length).append(")\n");
        text.append("  CPU quota: ").append(hasCpuQuota() ? cpuQuota + " CPUs (cgroup cpu.max)" : "none").append('\n');

        for (int i = 0; i < nodes.length; i++)
        {
            final int[] cpus = cpusByNode[i];
            final int[] packages = distinctValues(packageByCpu, cpus);
            final String allowed = Cpu.formatList(intersect(cpus, allowedCpus));
            text.append("  node ").append(nodes[i]).append(": CPUs ").append(Cpu.formatList(cpus))
                .append("; ").append(count(distinctValues(coreByCpu, cpus).length, "core"))
                .append("; package").append(1 == packages.length ? " " : "s ").append(join(packages))
                .append("; allowed ").append(allowed.isEmpty() ? "none" : allowed).append('\n');
        }
        for (final String warning : warnings)
        {
            text.append("  warning: ").append(warning).append('\n');
        }

        return text.toString();
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return describe();
    }

    private int checkOnline(final int cpu)
    {
        if (0 > cpu || cpu >= nodeByCpu.length || 0 > nodeByCpu[cpu])
        {
            throw new IllegalArgumentException("cpu must be online (" + Cpu.formatList(onlineCpus) + "): cpu=" + cpu);
        }

        return cpu;
    }

    private static void checkAscending(final String name, final int[] cpus)
    {
        for (int i = 0; i < cpus.length; i++)
        {
            if (0 > cpus[i] || (i > 0 && cpus[i] <= cpus[i - 1]))
            {
                throw new IllegalArgumentException(name + " must be ascending CPU numbers >= 0: " + name + "=" +
                    Arrays.toString(cpus));
            }
        }
    }

    private static int[] filled(final int length)
    {
        final int[] array = new int[length];
        Arrays.fill(array, -1);
        return array;
    }

    private int[] select(final int[] valueByCpu, final int value)
    {
        return Arrays.stream(onlineCpus).filter((cpu) -> valueByCpu[cpu] == value).toArray();
    }

    private static int[] distinctValues(final int[] valueByCpu, final int[] cpus)
    {
        return Arrays.stream(cpus).map((cpu) -> valueByCpu[cpu]).distinct().sorted().toArray();
    }

    private static int[] intersect(final int[] sortedA, final int[] sortedB)
    {
        return Arrays.stream(sortedA).filter((cpu) -> 0 <= Arrays.binarySearch(sortedB, cpu)).toArray();
    }

    private static String count(final int n, final String noun)
    {
        return n + " " + noun + (1 == n ? "" : "s");
    }

    private static String join(final int[] values)
    {
        final StringBuilder text = new StringBuilder();
        for (final int value : values)
        {
            text.append(text.length() > 0 ? "," : "").append(value);
        }
        return text.toString();
    }
}
