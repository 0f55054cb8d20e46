package io.karyon.numa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static io.karyon.numa.Fixtures.ordered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Placement tables: for each fixture machine and bind type, the CPU of each worker, written out so they can be checked
 * by hand against the {@code erl +sbt} documentation. Expected lists are ordered; {@code 0-15} means 0, 1, ..., 15.
 * <p>
 * How to read them (see {@link BindType}): a server's node is its socket, so there ps and s alternate sockets while
 * ts, tnnps, nnts and nnps fill socket 0 first; on the one-socket, four-node workstation only s alternates nodes;
 * {@code no-node-dir} is two sockets in one node, where tnnps and nnps alternate sockets and ts and nnts do not.
 */
class BindTypeTest
{
    @ParameterizedTest(name = "{0} {1} x{2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # fixture                  | type  | workers | CPU of worker 0, 1, ...
        vm-2cpu                    | u     | 4       | -1,-1,-1,-1
        vm-2cpu                    | ns    | 4       | 0,1,0,1
        vm-2cpu                    | ts    | 4       | 0,1,0,1
        vm-2cpu                    | ps    | 4       | 0,1,0,1
        vm-2cpu                    | s     | 4       | 0,1,0,1
        vm-2cpu                    | nnts  | 4       | 0,1,0,1
        vm-2cpu                    | nnps  | 4       | 0,1,0,1
        vm-2cpu                    | tnnps | 4       | 0,1,0,1

        server-2s16c-smt           | u     | 4       | -1,-1,-1,-1
        server-2s16c-smt           | ns    | 4       | 0,32,1,33
        server-2s16c-smt           | ts    | 4       | 0-3
        server-2s16c-smt           | ps    | 4       | 0,16,1,17
        server-2s16c-smt           | s     | 4       | 0,16,1,17
        server-2s16c-smt           | nnts  | 4       | 0-3
        server-2s16c-smt           | nnps  | 4       | 0-3
        server-2s16c-smt           | tnnps | 4       | 0-3
        server-2s16c-smt           | ns    | 18      | 0,32,1,33,2,34,3,35,4,36,5,37,6,38,7,39,8,40
        server-2s16c-smt           | ts    | 18      | 0-17
        server-2s16c-smt           | ps    | 18      | 0,16,1,17,2,18,3,19,4,20,5,21,6,22,7,23,8,24
        server-2s16c-smt           | s     | 18      | 0,16,1,17,2,18,3,19,4,20,5,21,6,22,7,23,8,24
        server-2s16c-smt           | nnts  | 18      | 0-15,32-33
        server-2s16c-smt           | nnps  | 18      | 0-15,32-33
        server-2s16c-smt           | tnnps | 18      | 0-17
        server-2s16c-smt           | tnnps | 66      | 0-63,0-1
        server-2s16c-smt           | nnps  | 66      | 0-15,32-47,16-31,48-63,0-1

        workstation-64c128t-4nodes | u     | 4       | -1,-1,-1,-1
        workstation-64c128t-4nodes | ns    | 4       | 0,64,1,65
        workstation-64c128t-4nodes | ts    | 4       | 0-3
        workstation-64c128t-4nodes | ps    | 4       | 0-3
        workstation-64c128t-4nodes | s     | 4       | 0,16,32,48
        workstation-64c128t-4nodes | nnts  | 4       | 0-3
        workstation-64c128t-4nodes | nnps  | 4       | 0-3
        workstation-64c128t-4nodes | tnnps | 4       | 0-3
        workstation-64c128t-4nodes | ns    | 20      | 0,64,1,65,2,66,3,67,4,68,5,69,6,70,7,71,8,72,9,73
        workstation-64c128t-4nodes | ts    | 20      | 0-19
        workstation-64c128t-4nodes | ps    | 20      | 0-19
        workstation-64c128t-4nodes | s     | 20      | 0,16,32,48,1,17,33,49,2,18,34,50,3,19,35,51,4,20,36,52
        workstation-64c128t-4nodes | nnts  | 20      | 0-15,64-67
        workstation-64c128t-4nodes | nnps  | 20      | 0-15,64-67
        workstation-64c128t-4nodes | tnnps | 20      | 0-19
        workstation-64c128t-4nodes | tnnps | 130     | 0-127,0-1

        restricted-affinity        | u     | 4       | -1,-1,-1,-1
        restricted-affinity        | ns    | 4       | 2,3,6,7
        restricted-affinity        | ts    | 4       | 2,6,3,7
        restricted-affinity        | ps    | 4       | 2,6,3,7
        restricted-affinity        | s     | 4       | 2,6,3,7
        restricted-affinity        | nnts  | 4       | 2,3,6,7
        restricted-affinity        | nnps  | 4       | 2,3,6,7
        restricted-affinity        | tnnps | 4       | 2,6,3,7
        restricted-affinity        | ns    | 6       | 2,3,6,7,2,3
        restricted-affinity        | tnnps | 6       | 2,6,3,7,2,6

        no-node-dir                | u     | 4       | -1,-1,-1,-1
        no-node-dir                | ns    | 4       | 0,4,1,5
        no-node-dir                | ts    | 4       | 0-3
        no-node-dir                | ps    | 4       | 0,2,1,3
        no-node-dir                | s     | 4       | 0,2,1,3
        no-node-dir                | nnts  | 4       | 0-3
        no-node-dir                | nnps  | 4       | 0,2,1,3
        no-node-dir                | tnnps | 4       | 0,2,1,3
        no-node-dir                | ns    | 9       | 0,4,1,5,2,6,3,0,4
        no-node-dir                | ts    | 9       | 0-6,0-1
        no-node-dir                | ps    | 9       | 0,2,1,3,4,6,5,0,2
        no-node-dir                | s     | 9       | 0,2,1,3,4,6,5,0,2
        no-node-dir                | nnts  | 9       | 0-6,0-1
        no-node-dir                | nnps  | 9       | 0,2,1,3,4,6,5,0,2
        no-node-dir                | tnnps | 9       | 0,2,1,3,4,6,5,0,2
        """)
    void shouldPlaceWorkersOnTheCpusTheErlangBindTypeWouldChoose(
        final String fixture, final String type, final int workers, final String expected)
    {
        final int[] plan = BindType.of(type).plan(Fixtures.read(fixture), workers);

        assertArrayEquals(ordered(expected), plan, () -> "got " + Arrays.toString(plan));
    }

    /**
     * Two sockets of two NUMA nodes each (like a 2-socket EPYC in NPS2 mode), one thread per core: CPUs 0-1 node 0,
     * 2-3 node 1 (package 0), 4-5 node 2, 6-7 node 3 (package 1). Only here do s and ps differ: s visits all four
     * nodes before a second core, ps alternates sockets but fills each socket's first node before its second.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        ns    | 0-7
        ts    | 0-7
        ps    | 0,4,1,5,2,6,3,7
        s     | 0,4,2,6,1,5,3,7
        nnts  | 0-7
        nnps  | 0-7
        tnnps | 0-7
        """)
    void shouldSpreadOverNodesInsidePackagesOnlyWithSpread(final String type, final String expected)
    {
        final Topology twoSocketsOfTwoNodes = new Topology(
            ordered("0-7"),
            ordered("0,0,1,1,2,2,3,3"),
            ordered("0,0,0,0,1,1,1,1"),
            ordered("0-7"),
            ordered("0-7"),
            Topology.NO_CPU_QUOTA,
            List.of());

        assertArrayEquals(ordered(expected), BindType.of(type).plan(twoSocketsOfTwoNodes, 8));
    }

    @ParameterizedTest
    @EnumSource(BindType.class)
    void shouldUseEveryAllowedCpuExactlyOnceWhenWorkersMatchCpus(final BindType type)
    {
        for (final String fixture : List.of(
            Fixtures.VM_2CPU, Fixtures.SERVER, Fixtures.WORKSTATION, Fixtures.RESTRICTED, Fixtures.NO_NODE_DIR))
        {
            final Topology topology = Fixtures.read(fixture);
            final int[] allowed = topology.allowedCpus();
            final int[] plan = type.plan(topology, allowed.length);
            if (BindType.U == type)
            {
                assertEquals(allowed.length, Arrays.stream(plan).filter((cpu) -> BindType.UNBOUND == cpu).count());
            }
            else
            {
                final int[] sorted = plan.clone();
                Arrays.sort(sorted);
                assertArrayEquals(allowed, sorted, fixture + " " + type + ": " + Arrays.toString(plan));
                assertArrayEquals(type.cpuOrder(topology), plan, fixture + " " + type);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "u, U", "ns, NS", "ts, TS", "ps, PS", "s, S", "nnts, NNTS", "nnps, NNPS", "tnnps, TNNPS",
        "TNNPS, TNNPS", "Nnps, NNPS", "' ts ', TS" })
    void shouldAcceptShortNamesInAnyCase(final String name, final BindType expected)
    {
        assertSame(expected, BindType.of(name));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = { "", "db", "thread_spread", "tnnps,", "x" })
    void shouldRejectAnythingButTheShortNamesListingTheValidOnes(final String name)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> BindType.of(name));

        assertEquals("bind type must be one of [u, ns, ts, ps, s, nnts, nnps, tnnps]: bindType=" + name,
            ex.getMessage());
    }

    @Test
    void shouldDefaultToThreadNoNodeProcessorSpreadAsBeamDoes()
    {
        assertSame(BindType.TNNPS, BindType.DEFAULT);
        assertEquals("thread_no_node_processor_spread", BindType.DEFAULT.erlangName());
        assertEquals("tnnps", BindType.DEFAULT.shortName());
    }

    @Test
    void shouldPlanNothingForNoWorkersAndRejectANegativeCount()
    {
        final Topology topology = Fixtures.read(Fixtures.VM_2CPU);

        assertArrayEquals(new int[0], BindType.TS.plan(topology, 0));
        assertEquals("workers must be >= 0: workers=-1",
            assertThrows(IllegalArgumentException.class, () -> BindType.TS.plan(topology, -1)).getMessage());
    }
}
