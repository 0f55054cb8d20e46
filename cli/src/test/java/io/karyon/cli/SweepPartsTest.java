package io.karyon.cli;

import io.karyon.model.Parameter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPartsTest
{
    private static final Map<String, Parameter> PARAMETERS = new LinkedHashMap<>();

    static
    {
        PARAMETERS.put("beta", Parameter.number("beta", 0.03, 0, 1, "infection probability"));
        PARAMETERS.put("contacts", Parameter.integer("contacts", 10, 1, 1000, "contacts per person"));
        PARAMETERS.put("name", Parameter.text("name", "a", "any text"));
    }

    @Test
    void shouldSpreadRangesEvenlyAndRoundThemForIntegerParameters()
    {
        assertEquals(List.of("5", "10", "15", "20"), axis("contacts=5:20:4").values());
        assertEquals(List.of("1", "4", "7", "10"), axis("contacts=1:10:4").values());
        assertEquals(List.of("1", "3", "6", "8"), axis("contacts=1:8:4").values());
        assertEquals(List.of("0.01", "0.02", "0.03"), axis("beta=0.01:0.03:3").values());
        assertEquals(List.of("0", "0.333333333333", "0.666666666667", "1"), axis("beta=0:1:4").values());
        assertEquals(List.of("0.5"), axis("beta=0.5:0.5:1").values());
        assertEquals(List.of("0.5", "0.25"), axis("beta=0.5,0.25").values());
        assertEquals(List.of("x:y:z", "b"), axis("name=x:y:z,b").values(), "a text value may hold colons");
    }

    @Test
    void shouldOrderRunsWithTheFirstVaryingSlowestAndSeedsFastestAndNameThemByValue()
    {
        final SweepPlan plan = new SweepPlan(List.of(axis("beta=0.1,0.2"), axis("name=a b,c_d/é")),
            SweepPlan.seeds(null, "7,3"));
        final List<String> ids = plan.runs().stream().map(SweepPlan.Run::id).toList();
        assertEquals(List.of(
            "beta-0.1_name-a%20b_seed-7", "beta-0.1_name-a%20b_seed-3",
            "beta-0.1_name-c_d%2F%C3%A9_seed-7", "beta-0.1_name-c_d%2F%C3%A9_seed-3",
            "beta-0.2_name-a%20b_seed-7", "beta-0.2_name-a%20b_seed-3",
            "beta-0.2_name-c_d%2F%C3%A9_seed-7", "beta-0.2_name-c_d%2F%C3%A9_seed-3"), ids);
        final Map<String, Parameter> two = new LinkedHashMap<>();
        two.put("a", Parameter.text("a", "x", "text"));
        two.put("b", Parameter.text("b", "x", "text"));
        assertEquals("two runs would share the folder runs/a-x_b-y_b-z_seed-1: choose values without '_'",
            assertThrows(IllegalArgumentException.class, () -> new SweepPlan(List.of(
                SweepPlan.axis("a=x_b-y,x", two, "t"), SweepPlan.axis("b=z,y_b-z", two, "t")), List.of(1L)))
                .getMessage());
        assertEquals(List.of("0.2", "a b"), plan.runs().get(5).values());
        assertEquals(3, plan.runs().get(5).seed());
        assertEquals(5, plan.runs().get(5).index());
        assertEquals(List.of("seed-1", "seed-2"),
            new SweepPlan(List.of(), SweepPlan.seeds(2, null)).runs().stream().map(SweepPlan.Run::id).toList());
        final String longValue = "v".repeat(300);
        final String id = new SweepPlan(List.of(axis("name=" + longValue)), List.of(1L)).runs().get(0).id();
        assertTrue(id.matches("run-[0-9a-f]{24}"), id);
    }

    @Test
    void shouldGiveEachRunADisjointShareOfPhysicalCoresFirst()
    {
        final int[][] smt = { { 0, 4 }, { 1, 5 }, { 2, 6 }, { 3, 7 } };
        assertShares(SweepCpuShares.share(smt, 1), true, new int[]{ 0, 1, 2, 3 });
        assertShares(SweepCpuShares.share(smt, 2), true, new int[]{ 0, 1 }, new int[]{ 2, 3 });
        assertShares(SweepCpuShares.share(smt, 3), true, new int[]{ 0, 1 }, new int[]{ 2 }, new int[]{ 3 });
        assertNull(SweepCpuShares.share(smt, 4).note());
        final SweepCpuShares six = SweepCpuShares.share(smt, 6);
        assertShares(six, true, new int[]{ 0 }, new int[]{ 1 }, new int[]{ 2 }, new int[]{ 3 }, new int[]{ 4 },
            new int[]{ 5 });
        assertEquals("6 runs at once on 4 physical core(s): runs share cores, one CPU (hardware thread) each",
            six.note());
        final SweepCpuShares ten = SweepCpuShares.share(smt, 10);
        assertFalse(ten.exclusive());
        assertEquals("10 runs at once on 8 CPU(s): runs share CPUs, unpinned, one worker each, backing off when idle",
            ten.note());
        assertArrayEquals(new int[]{ 4 }, ten.cpus()[4]);
        assertArrayEquals(new int[]{ 0 }, ten.cpus()[8]);
        assertEquals("0-1 | 2 | 3", SweepCpuShares.share(smt, 3).describe());

        final Random random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            final int coreCount = 1 + random.nextInt(16);
            final int threads = 1 + random.nextInt(2);
            final int[][] cores = new int[coreCount][threads];
            for (int c = 0; c < coreCount; c++)
            {
                for (int t = 0; t < threads; t++)
                {
                    cores[c][t] = c + t * coreCount;
                }
            }
            final int parallel = 1 + random.nextInt(coreCount * threads);
            final SweepCpuShares shares = SweepCpuShares.share(cores, parallel);
            assertTrue(shares.exclusive());
            final Set<Integer> used = new HashSet<>();
            final Set<Integer> usedCores = new HashSet<>();
            int smallest = Integer.MAX_VALUE;
            int largest = 0;
            for (final int[] share : shares.cpus())
            {
                assertTrue(share.length > 0);
                smallest = Math.min(smallest, share.length);
                largest = Math.max(largest, share.length);
                for (final int cpu : share)
                {
                    assertTrue(used.add(cpu), "disjoint: " + Arrays.deepToString(shares.cpus()));
                    usedCores.add(cpu % coreCount);
                }
            }
            assertTrue(largest - smallest <= 1, Arrays.deepToString(shares.cpus()));
            assertEquals(Math.min(parallel, coreCount), Math.min(usedCores.size(), parallel),
                "physical cores first: " + Arrays.deepToString(shares.cpus()));
            if (parallel <= coreCount)
            {
                assertEquals(coreCount, used.size(), "every core used once: " + Arrays.deepToString(shares.cpus()));
            }
        }
    }

    @Test
    void shouldParseCpuListsRefusingRepeatsAndCpusNotAllowed()
    {
        final int[] allowed = { 0, 1, 2, 3, 6 };
        assertArrayEquals(new int[]{ 0, 1, 2, 3, 6 }, CpuList.parse("0-3,6", allowed));
        assertArrayEquals(new int[]{ 6, 1 }, CpuList.parse(" 6,1 ", allowed));
        assertEquals("CPU 2 is given twice in '0-3,2'",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-3,2", allowed)).getMessage());
        assertEquals("CPU 4 is not one this process may run on (0-3,6)",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("4", allowed)).getMessage());
        assertEquals("bad element '3-1' in '3-1': CPU numbers and ranges N-M with N <= M, separated by commas",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1", allowed)).getMessage());
        assertEquals("bad element 'x' in '0,x': CPU numbers and ranges N-M with N <= M, separated by commas",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0,x", allowed)).getMessage());
        assertEquals("empty element in '0,,1'",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0,,1", allowed)).getMessage());
        assertEquals("must name at least one CPU, e.g. 0-3,6, was ''",
            assertThrows(IllegalArgumentException.class, () -> CpuList.parse("", allowed)).getMessage());
        final Random random = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            final StringBuilder text = new StringBuilder();
            for (int c = 0, n = 1 + random.nextInt(6); c < n; c++)
            {
                text.append("0123456789,-x ".charAt(random.nextInt(14)));
            }
            try
            {
                final int[] cpus = CpuList.parse(text.toString(), allowed);
                assertTrue(cpus.length > 0, text.toString());
                assertEquals(cpus.length, Arrays.stream(cpus).distinct().count(), text.toString());
            }
            catch (final IllegalArgumentException ex)
            {
                assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
            }
        }
    }

    private static SweepPlan.Axis axis(final String text)
    {
        return SweepPlan.axis(text, PARAMETERS, "model test");
    }

    private static void assertShares(final SweepCpuShares shares, final boolean exclusive, final int[]... expected)
    {
        assertEquals(exclusive, shares.exclusive());
        assertEquals(Arrays.deepToString(expected), Arrays.deepToString(shares.cpus()));
    }
}
