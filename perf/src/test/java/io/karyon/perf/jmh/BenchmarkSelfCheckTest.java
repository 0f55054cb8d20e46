package io.karyon.perf.jmh;

import io.karyon.scheduler.ThreadingMode;
import io.karyon.supervisor.RestartDecision;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks measure what they say: each one's set-up, a few operations and its own self-check, run directly
 * (no JMH, no timings), and the build's outputs that JMH needs.
 */
class BenchmarkSelfCheckTest
{
    @Test
    void shouldListEveryBenchmarkClassInTheGeneratedBenchmarkList() throws IOException
    {
        final String list;
        try (InputStream in = JmhFlags.class.getResourceAsStream("/META-INF/BenchmarkList"))
        {
            assertNotNull(in, "META-INF/BenchmarkList missing: is jmh-generator-annprocess an annotation processor?");
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (final Class<?> benchmark : List.of(FlyweightSlotBenchmark.class, LocalMessageBenchmark.class,
            CrossWorkerMessageBenchmark.class, TickBarrierBenchmark.class, RestartDecisionBenchmark.class,
            ChannelBenchmark.class, BroadcastBenchmark.class, MatrixBenchmark.class, CellRestartBenchmark.class,
            OrganismCloseBenchmark.class))
        {
            assertTrue(list.contains(benchmark.getName()), benchmark.getName() + " not in BenchmarkList");
        }
    }

    @Test
    void shouldApplyEveryDepositOfTheMatrixBenchmarkOnce()
    {
        final MatrixBenchmark benchmark = new MatrixBenchmark();
        benchmark.sites = 1000;
        benchmark.setup();
        try
        {
            final double filled = benchmark.total();
            assertTrue(filled > 0.0, "every site holds a value");
            benchmark.startIteration();
            benchmark.deposit();
            benchmark.deposit();
            assertEquals(filled + 2.0 * MatrixBenchmark.BATCH * MatrixBenchmark.AMOUNT, benchmark.total(), 0.0);
            benchmark.depositDirect();
            assertEquals(filled + 3.0 * MatrixBenchmark.BATCH * MatrixBenchmark.AMOUNT, benchmark.total(), 0.0);
            assertDoesNotThrow(benchmark::checkIteration);
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldReadRealValuesAtSitesSpreadOverTheWholeMatrix()
    {
        final MatrixBenchmark benchmark = new MatrixBenchmark();
        benchmark.sites = 1000;
        benchmark.setup();
        try
        {
            final int[] sequence = benchmark.sequence();
            assertEquals(MatrixBenchmark.sequenceLength(1000), sequence.length);
            assertTrue(sequence.length >= 4 * 1000 && 0 == sequence.length % MatrixBenchmark.BATCH);
            assertEquals(1000, Arrays.stream(sequence).distinct().count(), "every site is drawn");
            benchmark.startIteration();
            final int passes = sequence.length / MatrixBenchmark.BATCH + 3;   // past the wrap-around
            for (int i = 0; i < passes; i++)
            {
                double expected = 0.0;
                final int start = i * MatrixBenchmark.BATCH % sequence.length;
                for (int j = start; j < start + MatrixBenchmark.BATCH; j++)
                {
                    expected += MatrixBenchmark.value(sequence[j]);
                }
                assertEquals(expected, benchmark.read(), 0.0, "invocation " + i);
            }
            assertDoesNotThrow(benchmark::checkIteration);
            assertTrue(MatrixBenchmark.value(0) != MatrixBenchmark.value(1) && MatrixBenchmark.value(1) > 0.0);
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldFailTheMatrixSelfCheckWhenTheValuesReadAreNotTheOnesSetUp()
    {
        final MatrixBenchmark benchmark = new MatrixBenchmark();
        benchmark.sites = 1000;
        benchmark.setup();
        try
        {
            benchmark.startIteration();
            benchmark.deposit();   // changes sites the next reads see
            benchmark.read();
            final IllegalStateException ex = assertThrows(IllegalStateException.class, benchmark::checkIteration);
            assertTrue(ex.getMessage().startsWith("benchmark self-check failed: the reads summed to"), ex.getMessage());
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldDiffuseARealGridKeepingItsMassButForTheDecay()
    {
        final MatrixBenchmark benchmark = new MatrixBenchmark();
        benchmark.sites = 1000;
        benchmark.setup();
        try
        {
            final double mass = benchmark.gridTotal();
            assertTrue(mass > 0.0, "the grid holds values");
            benchmark.startIteration();
            for (int i = 0; i < 3; i++)
            {
                assertTrue(benchmark.tick() > 0.0);
            }
            assertEquals(mass * Math.pow(1.0 - MatrixBenchmark.GRID_DECAY_RATE, 3), benchmark.gridTotal(), 1e-9 * mass);
            assertDoesNotThrow(benchmark::checkIteration);
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldGiveForksTheProjectFlagsWithoutBoundsChecks()
    {
        final List<String> flags = Arrays.asList(JmhFlags.forkFlags());
        assertTrue(flags.contains("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"), flags.toString());
        assertTrue(flags.contains("-Dchronicle.analytics.disable=true"), flags.toString());
        assertEquals(JmhFlags.BOUNDS_CHECKS_OFF, flags.get(flags.size() - 1));
        assertTrue(flags.stream().noneMatch((flag) -> flag.contains("${") || flag.isBlank()), flags.toString());
    }

    @Test
    void shouldUpdateTheSameStateThroughTheFlyweightAsThroughRawOffsets()
    {
        final FlyweightSlotBenchmark viaFlyweight = new FlyweightSlotBenchmark();
        final FlyweightSlotBenchmark viaBuffer = new FlyweightSlotBenchmark();
        viaFlyweight.cells = 1000;
        viaBuffer.cells = 1000;
        viaFlyweight.setup();
        viaBuffer.setup();
        try
        {
            final double[] a = new double[7];
            final double[] b = new double[7];
            for (int i = 0; i < a.length; i++)
            {
                a[i] = viaFlyweight.flyweight();
                b[i] = viaBuffer.rawBuffer();
            }
            assertArrayEquals(a, b);
            assertTrue(a[0] > 0 && a[0] < 1 && a[0] != a[1], Arrays.toString(a));
            assertDoesNotThrow(viaFlyweight::checkIteration);
            assertDoesNotThrow(viaBuffer::checkIteration);
        }
        finally
        {
            viaFlyweight.tearDown();
            viaBuffer.tearDown();
        }
    }

    @Test
    void shouldCheckEveryCellOfAnArenaVisitedPartWayRound()
    {
        final FlyweightSlotBenchmark benchmark = new FlyweightSlotBenchmark();
        benchmark.cells = 1500;
        benchmark.setup();
        try
        {
            benchmark.flyweight();
            benchmark.rawBuffer();
            assertDoesNotThrow(benchmark::checkIteration, "1,500 cells visited once, 500 of them twice");
            benchmark.flyweight();
            assertDoesNotThrow(benchmark::checkIteration, "every cell visited twice");
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    /**
     * Sets the benchmark up, runs three invocations and requires its iteration self-check to pass.
     */
    private static void assertThreeTicksPassTheSelfCheck(
        final OrganismBenchmark benchmark, final Runnable setup, final Runnable invocation)
    {
        setup.run();
        try
        {
            benchmark.startIteration();
            for (int i = 0; i < 3; i++)
            {
                invocation.run();
            }
            assertDoesNotThrow(benchmark::checkIteration);
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldDeliverOneMessagePerCellPerTickWithinAWorker()
    {
        final LocalMessageBenchmark benchmark = new LocalMessageBenchmark();
        assertThreeTicksPassTheSelfCheck(benchmark, benchmark::setup, benchmark::selfSend);
    }

    @Test
    void shouldFailAnIterationWhoseInvocationsDidNotRunTheirTicks()
    {
        final LocalMessageBenchmark benchmark = new LocalMessageBenchmark();
        benchmark.setup();
        try
        {
            benchmark.startIteration();
            benchmark.invocations++;
            final IllegalStateException noTick = assertThrows(IllegalStateException.class, benchmark::checkIteration);
            assertTrue(noTick.getMessage().contains("(1 invocations, 0 ticks)"), noTick.getMessage());

            benchmark.startIteration();
            benchmark.selfSend();
            benchmark.organism.run(1);
            final IllegalStateException extra = assertThrows(IllegalStateException.class, benchmark::checkIteration);
            assertTrue(extra.getMessage().contains("(1 invocations, 2 ticks)"), extra.getMessage());
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldCrossBetweenWorkersWithEveryMessage()
    {
        final CrossWorkerMessageBenchmark benchmark = new CrossWorkerMessageBenchmark();
        benchmark.mode = ThreadingMode.INVOKER;
        benchmark.idle = "backoff";
        benchmark.pin = false;
        assertThreeTicksPassTheSelfCheck(benchmark, benchmark::setup, benchmark::crossSend);
    }

    @Test
    void shouldVisitEveryIdleCellOncePerTickOnTwoWorkers()
    {
        final TickBarrierBenchmark benchmark = new TickBarrierBenchmark();
        benchmark.workers = 2;
        benchmark.mode = ThreadingMode.INVOKER;
        benchmark.cells = 1000;
        benchmark.idle = "backoff";
        benchmark.pin = false;
        assertThreeTicksPassTheSelfCheck(benchmark, benchmark::setup, benchmark::tick);
    }

    @Test
    void shouldHandEveryBroadcastToEveryMemberOnBothWorkers()
    {
        final BroadcastBenchmark benchmark = new BroadcastBenchmark();
        benchmark.mode = ThreadingMode.INVOKER;
        benchmark.idle = "backoff";
        benchmark.pin = false;
        assertThreeTicksPassTheSelfCheck(benchmark, benchmark::setup, benchmark::fanOut);
    }

    @Test
    void shouldRestartEveryMarkedCellOncePerInvocation()
    {
        final CellRestartBenchmark benchmark = new CellRestartBenchmark();
        benchmark.mode = ThreadingMode.INVOKER;
        benchmark.idle = "backoff";
        benchmark.pin = false;
        assertThreeTicksPassTheSelfCheck(benchmark, benchmark::setup, benchmark::dieAndRestart);
    }

    @Test
    void shouldCloseOrganismsLeavingNoWorkerThread()
    {
        final OrganismCloseBenchmark benchmark = new OrganismCloseBenchmark();
        benchmark.startIteration();
        for (int i = 0; i < 3; i++)
        {
            benchmark.launch();
            benchmark.close();
            benchmark.countClose();
        }
        assertDoesNotThrow(benchmark::checkIteration);
    }

    @Test
    void shouldRestartOnEveryExitWithinTheIntensity()
    {
        final RestartDecisionBenchmark benchmark = new RestartDecisionBenchmark();
        benchmark.setup();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                assertEquals(RestartDecision.RESTART, benchmark.exitAndRestart(), "exit " + i);
            }
            assertDoesNotThrow(benchmark::checkIteration);
        }
        finally
        {
            benchmark.tearDown();
        }
    }

    @Test
    void shouldDrainEveryRecordOfferedAcrossTheRingsWrapPoint()
    {
        final ChannelBenchmark benchmark = new ChannelBenchmark();
        benchmark.setup();
        try
        {
            final int roundTrips = 5000;   // more than one ring's worth of 40-byte records
            for (int i = 0; i < roundTrips; i++)
            {
                benchmark.roundTrip();
            }
            assertEquals((long)roundTrips * (roundTrips + 1) / 2, benchmark.sum());
            for (int i = 0; i < 100; i++)
            {
                benchmark.batch();
            }
            final long records = roundTrips + 100L * ChannelBenchmark.BATCH;
            assertEquals(records * (records + 1) / 2, benchmark.sum());
            assertDoesNotThrow(benchmark::checkIteration);
        }
        finally
        {
            benchmark.tearDown();
        }
    }
}
