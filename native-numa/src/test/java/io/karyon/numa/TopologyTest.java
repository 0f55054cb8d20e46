package io.karyon.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.karyon.numa.Fixtures.ordered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopologyTest
{
    @Test
    void shouldDescribeATwoSocketServerNodeByNode()
    {
        assertEquals("""
            CPU topology: 2 NUMA nodes, 2 packages, 32 cores, 64 online CPUs (up to 2 per core)
              allowed CPUs: 0-63 (64 of 64)
              CPU quota: none
              node 0: CPUs 0-15,32-47; 16 cores; package 0; allowed 0-15,32-47
              node 1: CPUs 16-31,48-63; 16 cores; package 1; allowed 16-31,48-63
            """, Fixtures.read(Fixtures.SERVER).describe());
    }

    @Test
    void shouldDescribeTheAffinityMaskAndQuotaOfARestrictedProcess()
    {
        assertEquals("""
            CPU topology: 2 NUMA nodes, 1 package, 4 cores, 8 online CPUs (up to 2 per core)
              allowed CPUs: 2-3,6-7 (4 of 8)
              CPU quota: 1.5 CPUs (cgroup cpu.max)
              node 0: CPUs 0-3; 2 cores; package 0; allowed 2-3
              node 1: CPUs 4-7; 2 cores; package 0; allowed 6-7
            """, Fixtures.read(Fixtures.RESTRICTED).describe());
    }

    @Test
    void shouldDescribeTheWarningOfAnIncompleteTopology()
    {
        assertEquals("""
            CPU topology: 1 NUMA node, 2 packages, 4 cores, 7 online CPUs (up to 2 per core)
              allowed CPUs: 0-6 (7 of 7)
              CPU quota: none
              node 0: CPUs 0-6; 4 cores; packages 0,1; allowed 0-6
              warning: CPU topology incomplete: missing %s, so all CPUs are on node 0
            """.formatted(Fixtures.root(Fixtures.NO_NODE_DIR).resolve("sys/devices/system/node")),
            Fixtures.read(Fixtures.NO_NODE_DIR).describe());
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 7, 8, 100 })
    void shouldRejectCpusThatAreNotOnline(final int cpu)
    {
        final Topology topology = Fixtures.read(Fixtures.NO_NODE_DIR);
        final String message = "cpu must be online (0-6): cpu=" + cpu;

        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> topology.nodeOfCpu(cpu)).getMessage());
        assertEquals(message,
            assertThrows(IllegalArgumentException.class, () -> topology.packageOfCpu(cpu)).getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> topology.coreOfCpu(cpu)).getMessage());
        assertEquals(message,
            assertThrows(IllegalArgumentException.class, () -> topology.siblingsOf(cpu)).getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 2, 4 })
    void shouldRejectNodesWithoutOnlineCpus(final int node)
    {
        final Topology topology = Fixtures.read(Fixtures.RESTRICTED);

        assertEquals("node must be one of [0, 1]: node=" + node,
            assertThrows(IllegalArgumentException.class, () -> topology.cpusOfNode(node)).getMessage());
    }

    @Test
    void shouldHandOutCopiesSoTheTopologyStaysImmutable()
    {
        final Topology topology = Fixtures.read(Fixtures.RESTRICTED);

        topology.allowedCpus()[0] = 5;
        topology.cpusOfNode(0)[0] = 5;
        topology.siblingsOf(2)[0] = 5;

        assertEquals("2-3,6-7", Cpu.formatList(topology.allowedCpus()));
        assertEquals("0-3", Cpu.formatList(topology.cpusOfNode(0)));
        assertEquals("2-3", Cpu.formatList(topology.siblingsOf(2)));
        assertThrows(UnsupportedOperationException.class, () -> topology.warnings().add("x"));
    }

    @Test
    void shouldRejectAllowedCpusThatAreNotOnline()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Topology(
            ordered("0-1"), ordered("0,0"), ordered("0,0"), ordered("0-1"), ordered("1-2"), Double.NaN, List.of()));

        assertEquals("allowedCpus must be a non-empty subset of onlineCpus: allowedCpus=1-2 onlineCpus=0-1",
            ex.getMessage());
    }
}
