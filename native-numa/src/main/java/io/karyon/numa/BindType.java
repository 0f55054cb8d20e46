package io.karyon.numa;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A placement policy for workers: which CPU worker {@code i} is bound to. Named after the Erlang VM's scheduler bind
 * types ({@code erl +sbt}, documented in erts {@code erl_cmd.md}; orders as in BEAM's {@code erl_cpu_topology.c}),
 * with a worker in the place of a scheduler. The default is {@link #TNNPS}, which is what BEAM's {@code db} binds.
 * <p>
 * Each type sorts the allowed CPUs by a fixed list of levels and gives worker {@code i} the {@code i}-th CPU. The
 * levels are ranks, so that "core 0" means the first core of its package on every package:
 * <ul>
 *     <li>{@code NODE}: the NUMA node, counted across the machine.</li>
 *     <li>{@code PROCESSOR}: the package, counted within its node (or across the machine when a package holds several
 *     nodes, as on a 4-node single-socket workstation).</li>
 *     <li>{@code PROCESSOR_NODE}: the node within its package when a package holds several nodes, else 0.</li>
 *     <li>{@code CORE}: the physical core within its node and package.</li>
 *     <li>{@code THREAD}: the hardware (SMT) thread within its core.</li>
 * </ul>
 * Only allowed CPUs are ranked, so a core whose first thread is outside the affinity mask has its second thread as
 * "thread 0". BEAM ranks all CPUs and then skips unavailable ones; ranking only what can be used spreads a restricted
 * mask the way the type intends.
 * <p>
 * <b>More workers than allowed CPUs:</b> the order repeats, so worker {@code i} gets CPU {@code order[i % n]} and the
 * first {@code workers % n} CPUs of the order carry one worker more than the rest. BEAM never has that case (it
 * leaves schedulers beyond the CPU count unbound); a busy-spinning worker should then use a backing-off idle strategy.
 * <p>
 * <b>Note:</b> stateless; safe from any thread.
 */
public enum BindType
{
    /**
     * {@code u}, unbound: workers are not bound, the operating system decides where they run and when to move them.
     */
    U("u", "unbound"),

    /**
     * {@code ns}, no_spread: workers with close indices are bound as close as possible in hardware (both threads of a
     * core, then the next core, then the next package and node).
     */
    NS("ns", "no_spread", Level.NODE, Level.PROCESSOR, Level.PROCESSOR_NODE, Level.CORE, Level.THREAD),

    /**
     * {@code ts}, thread_spread: low indices get the first hardware thread of each core, then the second thread of
     * each core, and so on.
     */
    TS("ts", "thread_spread", Level.THREAD, Level.NODE, Level.PROCESSOR, Level.PROCESSOR_NODE, Level.CORE),

    /**
     * {@code ps}, processor_spread: like thread_spread, but consecutive workers also alternate between the physical
     * processor chips.
     */
    PS("ps", "processor_spread", Level.THREAD, Level.PROCESSOR_NODE, Level.CORE, Level.NODE, Level.PROCESSOR),

    /**
     * {@code s}, spread: workers are spread as much as possible: consecutive workers alternate over the chips and over
     * the nodes inside each chip before a chip's next core is used.
     */
    S("s", "spread", Level.THREAD, Level.CORE, Level.PROCESSOR_NODE, Level.PROCESSOR, Level.NODE),

    /**
     * {@code nnts}, no_node_thread_spread: like thread_spread, but one NUMA node at a time, so all CPUs of a node are
     * bound in sequence before the next node is used.
     */
    NNTS("nnts", "no_node_thread_spread", Level.NODE, Level.THREAD, Level.PROCESSOR, Level.CORE),

    /**
     * {@code nnps}, no_node_processor_spread: like processor_spread, but one NUMA node at a time, so all CPUs of a
     * node are bound in sequence before the next node is used.
     */
    NNPS("nnps", "no_node_processor_spread", Level.NODE, Level.THREAD, Level.CORE, Level.PROCESSOR),

    /**
     * {@code tnnps}, thread_no_node_processor_spread: thread_spread combined with no_node_processor_spread: workers are
     * spread over hardware threads across NUMA nodes, and over processors only within one node at a time. The default.
     */
    TNNPS("tnnps", "thread_no_node_processor_spread", Level.THREAD, Level.NODE, Level.CORE, Level.PROCESSOR);

    /**
     * The bind type used when none is configured, as BEAM's {@code db} (default_bind).
     */
    public static final BindType DEFAULT = TNNPS;

    /**
     * What {@link #plan(Topology, int)} gives a worker that is not bound.
     */
    public static final int UNBOUND = -1;

    private static final String VALID_NAMES =
        Arrays.toString(Arrays.stream(values()).map(BindType::shortName).toArray());

    private final String shortName;
    private final String erlangName;
    private final Level[] order;

    BindType(final String shortName, final String erlangName, final Level... order)
    {
        this.shortName = shortName;
        this.erlangName = erlangName;
        this.order = order;
    }

    /**
     * The bind type with a short name, as given to {@code erl +sbt}.
     *
     * @param name one of {@code u, ns, ts, ps, s, nnts, nnps, tnnps}, in any case.
     * @return the bind type.
     * @throws IllegalArgumentException if the name is none of those.
     */
    public static BindType of(final String name)
    {
        for (final BindType type : values())
        {
            if (type.shortName.equalsIgnoreCase(null == name ? "" : name.strip()))
            {
                return type;
            }
        }

        throw new IllegalArgumentException("bind type must be one of " + VALID_NAMES + ": bindType=" + name);
    }

    /**
     * The short name, as given to {@code erl +sbt} and accepted by {@link #of(String)}.
     *
     * @return e.g. {@code "tnnps"}.
     */
    public String shortName()
    {
        return shortName;
    }

    /**
     * The long name Erlang uses for this type (in {@code erlang:system_info(scheduler_bind_type)}).
     *
     * @return e.g. {@code "thread_no_node_processor_spread"}.
     */
    public String erlangName()
    {
        return erlangName;
    }

    /**
     * The CPU each worker is bound to.
     *
     * @param topology  of this machine; only its {@link Topology#allowedCpus()} are used.
     * @param workers   number of workers, 0 or more.
     * @return the CPU of worker {@code i} at index {@code i}, or {@link #UNBOUND} for every worker with {@link #U};
     *         with more workers than allowed CPUs the order repeats (see the class comment).
     * @throws IllegalArgumentException if workers is negative.
     */
    public int[] plan(final Topology topology, final int workers)
    {
        if (workers < 0)
        {
            throw new IllegalArgumentException("workers must be >= 0: workers=" + workers);
        }

        final int[] plan = new int[workers];
        if (U == this)
        {
            Arrays.fill(plan, UNBOUND);
            return plan;
        }

        final int[] order = cpuOrder(topology);
        for (int i = 0; i < workers; i++)
        {
            plan[i] = order[i % order.length];
        }

        return plan;
    }

    /**
     * The allowed CPUs in the order this type binds workers to them: {@code plan(topology, n)} for as many workers as
     * there are allowed CPUs.
     *
     * @param topology of this machine.
     * @return every allowed CPU once, in binding order; empty for {@link #U}.
     */
    public int[] cpuOrder(final Topology topology)
    {
        if (U == this)
        {
            return new int[0];
        }

        final int[][] ranks = ranks(topology);
        final int[] cpus = topology.allowedCpus();
        final Integer[] index = new Integer[cpus.length];
        for (int i = 0; i < cpus.length; i++)
        {
            index[i] = i;
        }
        Arrays.sort(index, (a, b) ->
        {
            for (final Level level : order)
            {
                final int difference = Integer.compare(ranks[level.ordinal()][a], ranks[level.ordinal()][b]);
                if (0 != difference)
                {
                    return difference;
                }
            }
            return Integer.compare(cpus[a], cpus[b]);
        });

        final int[] sorted = new int[cpus.length];
        for (int i = 0; i < cpus.length; i++)
        {
            sorted[i] = cpus[index[i]];
        }

        return sorted;
    }

    /**
     * The rank of each allowed CPU at each {@link Level}, indexed {@code [level.ordinal()][i]} for the i-th allowed
     * CPU. A rank counts distinct values among the allowed CPUs that share the enclosing levels.
     */
    private static int[][] ranks(final Topology topology)
    {
        final int[] cpus = topology.allowedCpus();
        final int count = cpus.length;
        final int[] node = new int[count];
        final int[] pkg = new int[count];
        final int[] core = new int[count];
        for (int i = 0; i < count; i++)
        {
            node[i] = topology.nodeOfCpu(cpus[i]);
            pkg[i] = topology.packageOfCpu(cpus[i]);
            core[i] = topology.coreOfCpu(cpus[i]);
        }

        final long[] whole = new long[count];
        final long[] byNode = new long[count];
        final long[] byPackage = new long[count];
        final long[] byNodeAndPackage = new long[count];
        final long[] byCore = new long[count];
        for (int i = 0; i < count; i++)
        {
            byNode[i] = node[i];
            byPackage[i] = pkg[i];
            byNodeAndPackage[i] = ((long)node[i] << 32) | (pkg[i] & 0xFFFF_FFFFL);
            byCore[i] = core[i];
        }

        // BEAM's two shapes: nodes holding packages (a 2-socket server), or a package holding nodes (one socket split
        // into NUMA nodes). In the second, a package is ranked machine-wide and its nodes are ranked inside it.
        final int[] nodesInPackage = ranks(byPackage, node);
        final int[] nodeCountOfPackage = distinctCounts(byPackage, node);
        final boolean[] packageSpansNodes = new boolean[count];
        final long[] processorGroup = new long[count];
        for (int i = 0; i < count; i++)
        {
            packageSpansNodes[i] = nodeCountOfPackage[i] > 1;
            processorGroup[i] = packageSpansNodes[i] ? Long.MIN_VALUE : node[i];
        }

        final int[][] ranks = new int[Level.values().length][];
        ranks[Level.NODE.ordinal()] = ranks(whole, node);
        ranks[Level.PROCESSOR.ordinal()] = ranks(processorGroup, pkg);
        ranks[Level.PROCESSOR_NODE.ordinal()] = new int[count];
        for (int i = 0; i < count; i++)
        {
            ranks[Level.PROCESSOR_NODE.ordinal()][i] = packageSpansNodes[i] ? nodesInPackage[i] : 0;
        }
        ranks[Level.CORE.ordinal()] = ranks(byNodeAndPackage, core);
        ranks[Level.THREAD.ordinal()] = ranks(byCore, cpus);

        return ranks;
    }

    /**
     * For each i, how many distinct values smaller than {@code value[i]} occur among the entries with the same group.
     */
    private static int[] ranks(final long[] group, final int[] value)
    {
        final Map<Long, TreeSet<Integer>> valuesByGroup = valuesByGroup(group, value);
        final int[] ranks = new int[group.length];
        for (int i = 0; i < group.length; i++)
        {
            ranks[i] = valuesByGroup.get(group[i]).headSet(value[i]).size();
        }

        return ranks;
    }

    /**
     * For each i, how many distinct values occur among the entries with the same group as i.
     */
    private static int[] distinctCounts(final long[] group, final int[] value)
    {
        final Map<Long, TreeSet<Integer>> valuesByGroup = valuesByGroup(group, value);
        final int[] counts = new int[group.length];
        for (int i = 0; i < group.length; i++)
        {
            counts[i] = valuesByGroup.get(group[i]).size();
        }

        return counts;
    }

    private static Map<Long, TreeSet<Integer>> valuesByGroup(final long[] group, final int[] value)
    {
        final Map<Long, TreeSet<Integer>> valuesByGroup = new HashMap<>();
        for (int i = 0; i < group.length; i++)
        {
            valuesByGroup.computeIfAbsent(group[i], (key) -> new TreeSet<>()).add(value[i]);
        }

        return valuesByGroup;
    }

    /**
     * The levels of the CPU hierarchy a bind type sorts by, the fields of BEAM's {@code erts_cpu_topology_t}.
     */
    private enum Level
    {
        NODE,
        PROCESSOR,
        PROCESSOR_NODE,
        CORE,
        THREAD
    }
}
