package io.karyon.numa;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link Topology} from sysfs, procfs and the cgroup v2 filesystem, with the roots as parameters so tests can
 * point it at a fixture tree. Files read, relative to the roots:
 * <pre>
 *   sys/devices/system/cpu/online                           online CPUs (a cpulist)
 *   sys/devices/system/node/nodeN/cpulist                   the CPUs of NUMA node N
 *   sys/devices/system/cpu/cpuN/topology/physical_package_id
 *   sys/devices/system/cpu/cpuN/topology/core_cpus_list     SMT siblings (thread_siblings_list, its older name, on
 *                                                           older kernels; else core_id within the package)
 *   proc/self/status                                        the Cpus_allowed_list: line (affinity mask)
 *   cgroup/cpu.max                                          "max 100000" or "150000 100000" (= 1.5 CPUs)
 * </pre>
 * A missing or malformed file never throws: the reader falls back for that part alone (no node directory puts every
 * CPU on node 0; a missing core file makes each CPU its own core in package 0; a missing online list takes the allowed
 * CPUs as online, and the other way round) and records one warning naming, for each part, the first file it could
 * not use and what was assumed instead. Offline CPUs, which have no topology directory, are left out without a
 * warning. A missing {@code cpu.max} means no quota (cgroup v1, or the root cgroup) and is not a warning either.
 * <p>
 * <b>Note:</b> stateless; safe from any thread. Reads files, so call it at start-up, not on a worker's hot path.
 */
public final class TopologyReader
{
    /**
     * Prefix of the one warning a topology gets when something could not be read.
     */
    public static final String WARNING_PREFIX = "CPU topology incomplete: ";

    private static final String ALLOWED_LINE = "Cpus_allowed_list:";

    private TopologyReader()
    {
    }

    /**
     * Reads the topology of the machine this JVM runs on, from {@code /sys}, {@code /proc} and this process's own
     * cgroup under {@code /sys/fs/cgroup} (found from {@code /proc/self/cgroup}).
     *
     * @return the topology; never null, with a warning if something could not be read (as on a non-Linux system).
     */
    public static Topology readThisMachine()
    {
        final Path proc = Path.of("/proc");
        return read(Path.of("/sys"), proc, cgroupDirOf(proc, Path.of("/sys/fs/cgroup")));
    }

    /**
     * Reads a topology from the given roots.
     *
     * @param sysRoot    where sysfs is mounted, normally {@code /sys}.
     * @param procRoot   where procfs is mounted, normally {@code /proc}; {@code self/status} is read below it.
     * @param cgroupDir  this process's cgroup v2 directory, the one holding {@code cpu.max}; need not exist.
     * @return the topology; never null.
     */
    public static Topology read(final Path sysRoot, final Path procRoot, final Path cgroupDir)
    {
        final List<String> problems = new ArrayList<>();
        final Path cpuDir = sysRoot.resolve("devices/system/cpu");
        final Path onlineFile = cpuDir.resolve("online");
        final Path statusFile = procRoot.resolve("self/status");

        int[] online = null;
        String onlineProblem = null;
        try
        {
            online = Cpu.parseList(Files.readString(onlineFile), onlineFile.toString());
            onlineProblem = 0 == online.length ? onlineFile + " lists no CPU" : null;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            onlineProblem = reason(onlineFile, ex);
        }

        int[] allowed = null;
        String allowedProblem = null;
        try
        {
            allowed = readAllowed(statusFile);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            allowedProblem = reason(statusFile, ex);
        }

        if (null != onlineProblem)
        {
            final boolean useAllowed = null != allowed && allowed.length > 0;
            online = useAllowed ? allowed : new int[]{ 0 };
            problems.add(onlineProblem +
                (useAllowed ? ", so the allowed CPUs are taken as online" : ", so CPU 0 alone is used"));
        }
        if (null != allowedProblem)
        {
            allowed = online;
            problems.add(allowedProblem + ", so all online CPUs are taken as allowed");
        }
        else
        {
            final int[] allowedOnline = intersect(allowed, online);
            if (0 == allowedOnline.length)
            {
                problems.add(ALLOWED_LINE + " " + Cpu.formatList(allowed) + " in " + statusFile +
                    " has no online CPU (online " + Cpu.formatList(online) + ")" +
                    ", so all online CPUs are taken as allowed");
            }
            allowed = 0 == allowedOnline.length ? online : allowedOnline;
        }

        final int[] nodeOf = readNodes(sysRoot.resolve("devices/system/node"), online, problems);
        final int[] packageOf = new int[online.length];
        final int[] coreKeyOf = new int[online.length];
        readCores(cpuDir, online, packageOf, coreKeyOf, problems);
        final double quota = readQuota(cgroupDir.resolve("cpu.max"), problems);

        final List<String> warnings = problems.isEmpty() ?
            List.of() : List.of(WARNING_PREFIX + String.join("; ", problems));

        return new Topology(online, nodeOf, packageOf, coreKeyOf, allowed, quota, warnings);
    }

    /**
     * The cgroup v2 directory of this process: the mount point plus the path on the {@code 0::} line of
     * {@code <procRoot>/self/cgroup}. Falls back to the mount point itself when that line or directory is missing
     * (inside a container with its own cgroup namespace the path is {@code /} anyway).
     *
     * @param procRoot    where procfs is mounted.
     * @param cgroupMount where the cgroup v2 filesystem is mounted, normally {@code /sys/fs/cgroup}.
     * @return the directory to read {@code cpu.max} from.
     */
    static Path cgroupDirOf(final Path procRoot, final Path cgroupMount)
    {
        try
        {
            for (final String line : Files.readAllLines(procRoot.resolve("self/cgroup")))
            {
                if (line.startsWith("0::/"))
                {
                    final Path dir = cgroupMount.resolve(line.substring(4).strip());
                    return Files.isDirectory(dir) ? dir : cgroupMount;
                }
            }
        }
        catch (final IOException ex)
        {
            // not on cgroup v2, or not on Linux: readQuota finds no cpu.max and reports no quota
        }

        return cgroupMount;
    }

    private static int[] readAllowed(final Path statusFile) throws IOException
    {
        for (final String line : Files.readAllLines(statusFile))
        {
            if (line.startsWith(ALLOWED_LINE))
            {
                return Cpu.parseList(line.substring(ALLOWED_LINE.length()), ALLOWED_LINE + " in " + statusFile);
            }
        }

        throw new IllegalArgumentException("no " + ALLOWED_LINE + " line in " + statusFile);
    }

    /**
     * The node of each online CPU from {@code nodeN/cpulist}, or all 0 (with a problem recorded) when the node
     * directory is missing, a list is unreadable, or an online CPU is in no node or in two.
     */
    private static int[] readNodes(final Path nodeDir, final int[] online, final List<String> problems)
    {
        final int[] nodeOf = new int[online.length];
        final String fallback = ", so all CPUs are on node 0";
        if (!Files.isDirectory(nodeDir))
        {
            problems.add("missing " + nodeDir + fallback);
            return nodeOf;
        }

        final Map<Integer, Path> lists = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(nodeDir, "node[0-9]*"))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.matches("node[0-9]{1,5}"))
                {
                    lists.put(Integer.parseInt(name.substring(4)), entry.resolve("cpulist"));
                }
            }
        }
        catch (final IOException ex)
        {
            problems.add(reason(nodeDir, ex) + fallback);
            return nodeOf;
        }
        if (lists.isEmpty())
        {
            problems.add("no nodeN directory in " + nodeDir + fallback);
            return nodeOf;
        }

        Arrays.fill(nodeOf, -1);
        for (final Map.Entry<Integer, Path> entry : lists.entrySet())
        {
            final int node = entry.getKey();
            final Path file = entry.getValue();
            final int[] cpus;
            try
            {
                cpus = Cpu.parseList(Files.readString(file), file.toString());
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                problems.add(reason(file, ex) + fallback);
                return new int[online.length];
            }
            for (final int cpu : cpus)
            {
                final int i = Arrays.binarySearch(online, cpu);
                if (0 <= i && 0 <= nodeOf[i])
                {
                    problems.add("CPU " + cpu + " is in both node" + nodeOf[i] + " and node" + node + " under " +
                        nodeDir + fallback);
                    return new int[online.length];
                }
                if (0 <= i)
                {
                    nodeOf[i] = node;
                }
            }
        }
        for (int i = 0; i < online.length; i++)
        {
            if (0 > nodeOf[i])
            {
                problems.add("online CPU " + online[i] + " is in no nodeN/cpulist under " + nodeDir + fallback);
                return new int[online.length];
            }
        }

        return nodeOf;
    }

    /**
     * Fills the package and a core key (the lowest online sibling) of each online CPU, or package 0 and one core per
     * CPU (with a problem recorded) when a file is missing or malformed. The sibling list is preferred to core_id,
     * whose value is platform dependent (Documentation/admin-guide/cputopology.rst), so grouping by it is the last
     * resort.
     */
    private static void readCores(
        final Path cpuDir,
        final int[] online,
        final int[] packageOf,
        final int[] coreKeyOf,
        final List<String> problems)
    {
        final Map<Long, Integer> firstCpuOfCoreId = new HashMap<>();
        Path file = null;
        try
        {
            for (int i = 0; i < online.length; i++)
            {
                final Path topologyDir = cpuDir.resolve("cpu" + online[i]).resolve("topology");
                file = topologyDir.resolve("physical_package_id");
                packageOf[i] = readInt(file);

                file = topologyDir.resolve("core_cpus_list");
                if (!Files.exists(file))
                {
                    file = topologyDir.resolve("thread_siblings_list");
                }
                if (Files.exists(file))
                {
                    final int[] siblings = intersect(Cpu.parseList(Files.readString(file), file.toString()), online);
                    if (0 > Arrays.binarySearch(siblings, online[i]))
                    {
                        throw new IllegalArgumentException(file + " must list CPU " + online[i] + " itself: " +
                            Cpu.formatList(siblings));
                    }
                    coreKeyOf[i] = siblings[0];
                }
                else
                {
                    file = topologyDir.resolve("core_id");
                    final long packageAndCoreId = ((long)packageOf[i] << 32) | (readInt(file) & 0xFFFF_FFFFL);
                    final int cpu = online[i];
                    coreKeyOf[i] = firstCpuOfCoreId.computeIfAbsent(packageAndCoreId, (key) -> cpu);
                }
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            problems.add(reason(file, ex) + ", so each CPU is its own core in package 0");
            Arrays.fill(packageOf, 0);
            System.arraycopy(online, 0, coreKeyOf, 0, online.length);
        }
    }

    /**
     * The cgroup v2 quota in CPUs, {@link Topology#NO_CPU_QUOTA} for "max" or no file, and a problem recorded (and no
     * quota) for anything else.
     */
    private static double readQuota(final Path file, final List<String> problems)
    {
        final String text;
        try
        {
            text = Files.readString(file).strip();
        }
        catch (final NoSuchFileException ex)
        {
            return Topology.NO_CPU_QUOTA;
        }
        catch (final IOException ex)
        {
            problems.add(reason(file, ex) + ", so no CPU quota is assumed");
            return Topology.NO_CPU_QUOTA;
        }

        final String[] fields = text.split(" ", -1);
        if (2 == fields.length && isPositive(fields[1]))
        {
            if ("max".equals(fields[0]))
            {
                return Topology.NO_CPU_QUOTA;
            }
            if (isPositive(fields[0]))
            {
                return Long.parseLong(fields[0]) / (double)Long.parseLong(fields[1]);
            }
        }
        problems.add(file + ": cpu.max must be \"max PERIOD\" or \"QUOTA PERIOD\" in microseconds: \"" + text +
            "\", so no CPU quota is assumed");

        return Topology.NO_CPU_QUOTA;
    }

    private static boolean isPositive(final String digits)
    {
        return digits.matches("[0-9]{1,18}") && Long.parseLong(digits) > 0;
    }

    private static int readInt(final Path file) throws IOException
    {
        final String text = Files.readString(file).strip();
        if (!text.matches("-?[0-9]{1,9}"))
        {
            throw new IllegalArgumentException(file + " must hold an integer: \"" + text + "\"");
        }

        return Integer.parseInt(text);
    }

    /**
     * Says why a file could not be used: missing, unreadable, or (for the parser's exceptions, whose message already
     * names the file) malformed.
     */
    private static String reason(final Path file, final Exception ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return "missing " + file;
        }
        if (ex instanceof IOException)
        {
            return "cannot read " + file + " (" + ex + ")";
        }

        return ex.getMessage();
    }

    private static int[] intersect(final int[] sortedA, final int[] sortedB)
    {
        return Arrays.stream(sortedA).filter((cpu) -> 0 <= Arrays.binarySearch(sortedB, cpu)).toArray();
    }
}
