package io.karyon.numa;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.karyon.numa.Fixtures.ordered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TopologyReaderTest
{
    private static final String PARSE_RULE =
        "cpulist must be comma-separated CPU numbers or ranges N-M with N <= M < 65536";

    @TempDir
    Path root;

    private Path sys;
    private Path proc;
    private Path cgroup;

    /**
     * A healthy two-CPU, one-node machine in {@link #root}; each bad-input test breaks one thing.
     */
    @BeforeEach
    void writeHealthyMachine() throws IOException
    {
        sys = root.resolve("sys");
        proc = root.resolve("proc");
        cgroup = root.resolve("cgroup");
        write("sys/devices/system/cpu/online", "0-1\n");
        write("sys/devices/system/node/node0/cpulist", "0-1\n");
        for (final int cpu : new int[]{ 0, 1 })
        {
            write("sys/devices/system/cpu/cpu" + cpu + "/topology/physical_package_id", "0\n");
            write("sys/devices/system/cpu/cpu" + cpu + "/topology/core_cpus_list", cpu + "\n");
        }
        write("proc/self/status", "Name:\tjava\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\nMems_allowed_list:\t0\n");
        write("cgroup/cpu.max", "max 100000\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # fixture                  | online | node cpulists, node 0 first | allowed | quota | cores | allowed cores
        vm-2cpu                    | 0-1    | 0-1                                | 0-1     | NaN   | 2  | 2
        server-2s16c-smt           | 0-63   | 0-15,32-47 16-31,48-63             | 0-63    | NaN   | 32 | 32
        workstation-64c128t-4nodes | 0-127  | 0-15,64-79 16-31,80-95 32-47,96-111 48-63,112-127 | 0-127 | NaN | 64 | 64
        restricted-affinity        | 0-7    | 0-3 4-7                            | 2-3,6-7 | 1.5   | 4  | 2
        no-node-dir                | 0-6    | 0-6                                | 0-6     | NaN   | 4  | 4
        """)
    void shouldReadNodesAllowedCpusQuotaAndCoresOfEachFixture(
        final String fixture,
        final String online,
        final String nodeLists,
        final String allowed,
        final double quota,
        final int cores,
        final int allowedCores)
    {
        final Topology topology = Fixtures.read(fixture);
        final String[] lists = nodeLists.split(" ");

        assertEquals(online, Cpu.formatList(topology.onlineCpus()));
        assertEquals(lists.length, topology.nodes().length);
        for (int node = 0; node < lists.length; node++)
        {
            assertEquals(node, topology.nodes()[node]);
            assertEquals(lists[node], Cpu.formatList(topology.cpusOfNode(node)), "node " + node);
        }
        assertEquals(allowed, Cpu.formatList(topology.allowedCpus()));
        assertEquals(quota, topology.cpuQuota());
        assertEquals(cores, topology.coreCount());
        assertEquals(allowedCores, topology.allowedCoreCount(), "SMT siblings count once, CPUs outside the mask not");
    }

    @ParameterizedTest(name = "{0} CPU {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # fixture                  | cpu | node | package | core | siblings
        vm-2cpu                    | 1   | 0    | 0       | 1    | 1
        server-2s16c-smt           | 5   | 0    | 0       | 5    | 5,37
        server-2s16c-smt           | 37  | 0    | 0       | 5    | 5,37
        server-2s16c-smt           | 48  | 1    | 1       | 16   | 16,48
        workstation-64c128t-4nodes | 70  | 0    | 0       | 6    | 6,70
        workstation-64c128t-4nodes | 127 | 3    | 0       | 63   | 63,127
        restricted-affinity        | 3   | 0    | 0       | 1    | 2-3
        restricted-affinity        | 6   | 1    | 0       | 3    | 6-7
        no-node-dir                | 2   | 0    | 1       | 2    | 2,6
        no-node-dir                | 3   | 0    | 1       | 3    | 3
        """)
    void shouldGroupSmtSiblingsIntoMachineWideCores(
        final String fixture, final int cpu, final int node, final int pkg, final int core, final String siblings)
    {
        final Topology topology = Fixtures.read(fixture);

        assertEquals(node, topology.nodeOfCpu(cpu));
        assertEquals(pkg, topology.packageOfCpu(cpu));
        assertEquals(core, topology.coreOfCpu(cpu));
        assertEquals(siblings, Cpu.formatList(topology.siblingsOf(cpu)));
    }

    @Test
    void shouldReadCompleteFixturesWithoutWarnings()
    {
        for (final String fixture :
            List.of(Fixtures.VM_2CPU, Fixtures.SERVER, Fixtures.WORKSTATION, Fixtures.RESTRICTED))
        {
            assertEquals(List.of(), Fixtures.read(fixture).warnings(), fixture);
        }
    }

    @Test
    void shouldPutEveryCpuOnNodeZeroWithOneWarningWhenThereIsNoNodeDirectory()
    {
        final Path fixture = Fixtures.root(Fixtures.NO_NODE_DIR);
        final Topology topology = Fixtures.read(Fixtures.NO_NODE_DIR);

        assertEquals(List.of("CPU topology incomplete: missing " + fixture.resolve("sys/devices/system/node") +
            ", so all CPUs are on node 0"), topology.warnings());
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
        assertArrayEquals(ordered("0-6"), topology.allowedCpus(), "offline CPU 7 is not allowed, though listed");
    }

    @Test
    void shouldReadTheHealthyMachineWithoutWarnings()
    {
        final Topology topology = read();

        assertEquals(List.of(), topology.warnings());
        assertArrayEquals(ordered("0-1"), topology.allowedCpus());
        assertEquals(2, topology.coreCount());
    }

    @Test
    void shouldWarnOnceAndUseOneNodeForAMalformedNodeCpulist() throws IOException
    {
        final Path file = write("sys/devices/system/node/node0/cpulist", "0-1,x\n");

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: " + file + ": " + PARSE_RULE + ": bad \"x\" in \"0-1,x\", " +
            "so all CPUs are on node 0"), topology.warnings());
        assertArrayEquals(ordered("0-1"), topology.cpusOfNode(0));
    }

    @Test
    void shouldWarnOnceAndUseOneNodeWhenAnOnlineCpuIsInNoNode() throws IOException
    {
        write("sys/devices/system/node/node0/cpulist", "0\n");

        assertEquals(List.of("CPU topology incomplete: online CPU 1 is in no nodeN/cpulist under " +
            sys.resolve("devices/system/node") + ", so all CPUs are on node 0"), read().warnings());
    }

    @Test
    void shouldWarnOnceAndUseOneNodeWhenACpuIsInTwoNodes() throws IOException
    {
        write("sys/devices/system/node/node1/cpulist", "1\n");

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: CPU 1 is in both node0 and node1 under " +
            sys.resolve("devices/system/node") + ", so all CPUs are on node 0"), topology.warnings());
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
    }

    @Test
    void shouldWarnOnceWhenTheNodeDirectoryHasNoNodes() throws IOException
    {
        Files.delete(sys.resolve("devices/system/node/node0/cpulist"));
        Files.delete(sys.resolve("devices/system/node/node0"));

        assertEquals(List.of("CPU topology incomplete: no nodeN directory in " + sys.resolve("devices/system/node") +
            ", so all CPUs are on node 0"), read().warnings());
    }

    @Test
    void shouldIgnoreOfflineCpusInNodeListsAndNodesWithoutCpus() throws IOException
    {
        write("sys/devices/system/node/node0/cpulist", "0-3\n");
        write("sys/devices/system/node/node1/cpulist", "\n");

        final Topology topology = read();

        assertEquals(List.of(), topology.warnings());
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
        assertArrayEquals(ordered("0-1"), topology.cpusOfNode(0));
    }

    @Test
    void shouldWarnOnceAndTakeTheAllowedCpusAsOnlineWhenTheOnlineListIsMissing() throws IOException
    {
        final Path file = sys.resolve("devices/system/cpu/online");
        Files.delete(file);

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: missing " + file + ", so the allowed CPUs are taken as online"),
            topology.warnings());
        assertArrayEquals(ordered("0-1"), topology.onlineCpus());
    }

    @Test
    void shouldWarnOnceAndAllowEveryOnlineCpuWhenTheStatusFileIsMissing() throws IOException
    {
        final Path file = proc.resolve("self/status");
        Files.delete(file);

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: missing " + file + ", so all online CPUs are taken as allowed"),
            topology.warnings());
        assertArrayEquals(ordered("0-1"), topology.allowedCpus());
    }

    @Test
    void shouldWarnOnceWhenTheStatusFileHasNoAllowedLine() throws IOException
    {
        final Path file = write("proc/self/status", "Name:\tjava\nCpus_allowed:\t3\n");

        assertEquals(List.of("CPU topology incomplete: no Cpus_allowed_list: line in " + file +
            ", so all online CPUs are taken as allowed"), read().warnings());
    }

    @Test
    void shouldWarnOnceForAMalformedAllowedList() throws IOException
    {
        final Path file = write("proc/self/status", "Name:\tjava\nCpus_allowed_list:\t0-1 junk\n");

        assertEquals(List.of("CPU topology incomplete: Cpus_allowed_list: in " + file + ": " + PARSE_RULE +
            ": bad \"0-1 junk\" in \"0-1 junk\", so all online CPUs are taken as allowed"), read().warnings());
    }

    @Test
    void shouldWarnOnceWhenNoAllowedCpuIsOnline() throws IOException
    {
        final Path file = write("proc/self/status", "Cpus_allowed_list:\t4-5\n");

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: Cpus_allowed_list: 4-5 in " + file +
            " has no online CPU (online 0-1), so all online CPUs are taken as allowed"), topology.warnings());
        assertArrayEquals(ordered("0-1"), topology.allowedCpus());
    }

    @Test
    void shouldDropAllowedCpusThatAreOfflineWithoutAWarning() throws IOException
    {
        write("proc/self/status", "Cpus_allowed_list:\t1-3\n");

        final Topology topology = read();

        assertEquals(List.of(), topology.warnings());
        assertArrayEquals(new int[]{ 1 }, topology.allowedCpus());
    }

    @Test
    void shouldWarnOnceAndMakeEachCpuItsOwnCoreWhenATopologyFileIsMissing() throws IOException
    {
        write("sys/devices/system/cpu/cpu1/topology/core_cpus_list", "0-1\n");
        write("sys/devices/system/cpu/cpu0/topology/core_cpus_list", "0-1\n");
        final Path file = sys.resolve("devices/system/cpu/cpu1/topology/physical_package_id");
        Files.delete(file);

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: missing " + file + ", so each CPU is its own core in package 0"),
            topology.warnings());
        assertEquals(2, topology.coreCount());
        assertEquals(0, topology.packageOfCpu(0));
    }

    @Test
    void shouldWarnOnceForAPackageIdThatIsNotANumber() throws IOException
    {
        final Path file = write("sys/devices/system/cpu/cpu0/topology/physical_package_id", "zero\n");

        assertEquals(List.of("CPU topology incomplete: " + file + " must hold an integer: \"zero\", " +
            "so each CPU is its own core in package 0"), read().warnings());
    }

    @Test
    void shouldFallBackToThreadSiblingsListThenCoreIdWithoutAWarning() throws IOException
    {
        write("sys/devices/system/cpu/online", "0-3\n");
        write("sys/devices/system/node/node0/cpulist", "0-3\n");
        write("proc/self/status", "Cpus_allowed_list:\t0-3\n");
        Files.delete(sys.resolve("devices/system/cpu/cpu0/topology/core_cpus_list"));
        Files.delete(sys.resolve("devices/system/cpu/cpu1/topology/core_cpus_list"));
        write("sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0,2\n");
        write("sys/devices/system/cpu/cpu2/topology/thread_siblings_list", "0,2\n");
        write("sys/devices/system/cpu/cpu2/topology/physical_package_id", "0\n");
        write("sys/devices/system/cpu/cpu1/topology/core_id", "7\n");
        write("sys/devices/system/cpu/cpu3/topology/core_id", "7\n");
        write("sys/devices/system/cpu/cpu3/topology/physical_package_id", "0\n");

        final Topology topology = read();

        assertEquals(List.of(), topology.warnings());
        assertEquals("0,2", Cpu.formatList(topology.siblingsOf(2)));
        assertEquals("1,3", Cpu.formatList(topology.siblingsOf(3)));
        assertEquals(2, topology.coreCount());
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        max 100000     | NaN
        150000 100000  | 1.5
        50000 100000   | 0.5
        400000 100000  | 4.0
        """)
    void shouldReadTheCgroupQuotaInCpus(final String cpuMax, final double expected) throws IOException
    {
        write("cgroup/cpu.max", cpuMax + "\n");

        final Topology topology = read();

        assertEquals(expected, topology.cpuQuota());
        assertEquals(!Double.isNaN(expected), topology.hasCpuQuota());
        assertEquals(List.of(), topology.warnings());
    }

    @Test
    void shouldTakeAMissingCpuMaxAsNoQuotaWithoutAWarning() throws IOException
    {
        Files.delete(cgroup.resolve("cpu.max"));

        final Topology topology = read();

        assertTrue(Double.isNaN(topology.cpuQuota()));
        assertEquals(List.of(), topology.warnings());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
        lots 100000
        150000
        max
        -5 100000
        150000 0
        150000  100000
        """)
    void shouldWarnOnceAndAssumeNoQuotaForAMalformedCpuMax(final String cpuMax) throws IOException
    {
        final Path file = write("cgroup/cpu.max", cpuMax + "\n");

        final Topology topology = read();

        assertEquals(List.of("CPU topology incomplete: " + file + ": cpu.max must be \"max PERIOD\" or " +
            "\"QUOTA PERIOD\" in microseconds: \"" + cpuMax + "\", so no CPU quota is assumed"), topology.warnings());
        assertTrue(Double.isNaN(topology.cpuQuota()));
    }

    @Test
    void shouldNameEveryMissingFileInOneWarningAndUseCpuZeroWhenNothingCanBeRead()
    {
        final Path empty = root.resolve("nothing");

        final Topology topology = TopologyReader.read(empty.resolve("sys"), empty.resolve("proc"),
            empty.resolve("cgroup"));

        final Path cpuDir = empty.resolve("sys/devices/system/cpu");
        assertEquals(List.of("CPU topology incomplete: " +
            "missing " + cpuDir.resolve("online") + ", so CPU 0 alone is used; " +
            "missing " + empty.resolve("proc/self/status") + ", so all online CPUs are taken as allowed; " +
            "missing " + empty.resolve("sys/devices/system/node") + ", so all CPUs are on node 0; " +
            "missing " + cpuDir.resolve("cpu0/topology/physical_package_id") +
            ", so each CPU is its own core in package 0"), topology.warnings());
        assertArrayEquals(new int[]{ 0 }, topology.allowedCpus());
        assertArrayEquals(new int[]{ 0 }, topology.nodes());
        assertArrayEquals(new int[]{ 0 }, BindType.DEFAULT.plan(topology, 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        '0::/user.slice/karyon.scope'             | true  | user.slice/karyon.scope
        '0::/user.slice/karyon.scope'             | false | ''
        '12:cpu,cpuacct:/docker/abc'              | true  | ''
        '0::/'                                    | true  | ''
        """)
    void shouldFindThisProcessesCgroupDirectory(final String line, final boolean exists, final String expected)
        throws IOException
    {
        write("proc/self/cgroup", "1:name=systemd:/\n" + line + "\n");
        if (exists)
        {
            Files.createDirectories(cgroup.resolve("user.slice/karyon.scope"));
        }

        assertEquals(cgroup.resolve(expected), TopologyReader.cgroupDirOf(proc, cgroup));
    }

    @Test
    void shouldFallBackToTheCgroupMountWithoutProcSelfCgroup()
    {
        assertEquals(cgroup, TopologyReader.cgroupDirOf(root.resolve("no-proc"), cgroup));
    }

    @Test
    void shouldReadThisMachineConsistentlyWithTheJvm()
    {
        assumeTrue(Files.isRegularFile(Path.of("/sys/devices/system/cpu/online")), "needs Linux sysfs");

        final Topology topology = TopologyReader.readThisMachine();

        final int[] allowed = topology.allowedCpus();
        assertTrue(Runtime.getRuntime().availableProcessors() <= allowed.length,
            "the JVM counts the affinity mask, capped by any quota: " + Arrays.toString(allowed));
        for (final int cpu : allowed)
        {
            assertTrue(0 <= Arrays.binarySearch(topology.cpusOfNode(topology.nodeOfCpu(cpu)), cpu));
        }
        assertTrue(topology.warnings().size() <= 1);
    }

    private Topology read()
    {
        return TopologyReader.read(sys, proc, cgroup);
    }

    private Path write(final String relativePath, final String text) throws IOException
    {
        final Path file = root.resolve(relativePath);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }
}
