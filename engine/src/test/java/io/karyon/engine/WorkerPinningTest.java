package io.karyon.engine;

import io.karyon.engine.sim.Tissue;
import io.karyon.numa.BindType;
import io.karyon.numa.Cpu;
import io.karyon.scheduler.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WorkerPinningTest
{
    private static final long PID = ProcessHandle.current().pid();

    @Test
    @Timeout(60)
    void shouldPinToTheGivenCpusOnlyWithAWorkerForEach()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        final int last = allowed[allowed.length - 1];
        try (Organism organism = Organism.launch(new Context().cpus(new int[]{ last }).idleStrategy("backoff")))
        {
            assertEquals(1, organism.workerCount());
            assertEquals(last, organism.workers().cpu(0));
        }
        try (Organism organism = Organism.launch(new Context().cpus(allowed).pin(false).idleStrategy("backoff")))
        {
            assertEquals(allowed.length, organism.workerCount(), "--cpus pins whatever pin says");
            final List<Integer> cpus = new ArrayList<>();
            for (int w = 0; w < organism.workerCount(); w++)
            {
                cpus.add(organism.workers().cpu(w));
            }
            cpus.sort(null);
            assertEquals(Arrays.stream(allowed).boxed().collect(Collectors.toList()), cpus);
        }
    }

    @Test
    @Timeout(60)
    void shouldRunUnpinnedAndBackOffWhereAnotherOrganismClaimedTheCpusAndGetThemBackOnClose()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        final int cpu = allowed[0];
        final List<String> warnings = new ArrayList<>();
        final long holderDigest;
        try (Organism holder = launch(new Context().cpus(new int[]{ cpu }).idleStrategy("backoff"), warnings))
        {
            assertEquals(cpu, holder.workers().cpu(0));
            holderDigest = digest(holder);

            try (Organism second = launch(new Context().cpus(allowed).idleStrategy("spin"), warnings))
            {
                for (int w = 0; w < second.workerCount(); w++)
                {
                    assertEquals(-1, second.workers().cpu(w), "worker " + w + " runs unpinned");
                }
                assertEquals(holderDigest, digest(second), "unpinned, the same run");
                final String workers = second.workerCount() + " worker(s)";
                assertEquals(List.of("CPU " + cpu + " is claimed by another organism (pid " + PID +
                    " (this process)): " + workers + " run unpinned with the backoff idle strategy"), warnings);
            }
            warnings.clear();
            try (Organism byBindType = launch(new Context().workerCount(1).idleStrategy("backoff"), warnings))
            {
                assertEquals(-1, byBindType.workers().cpu(0), "a bind type's plan is claimed as well");
                assertEquals(1, warnings.size(), warnings.toString());
            }
        }
        warnings.clear();
        try (Organism after = launch(new Context().cpus(new int[]{ cpu }).idleStrategy("backoff"), warnings))
        {
            assertEquals(cpu, after.workers().cpu(0), "the closed holder gave its CPU back");
            assertEquals(List.of(), warnings);
        }
        try (Organism three = launch(new Context().workerCount(3).pin(false).idleStrategy("backoff"), warnings))
        {
            assertEquals(holderDigest, digest(three));
        }
    }

    @Test
    @Timeout(60)
    void shouldRunUnpinnedWhereAnOrganismOfAnotherProcessClaimedTheCpuUntilThatProcessIsKilled() throws Exception
    {
        final int[] allowed = Organism.machine().allowedCpus();
        final int cpu = allowed[allowed.length - 1];
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClaimHolderProbe.class.getName(),
            Integer.toString(cpu)));
        final Process holder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try
        {
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("pinned " + cpu, out.readLine());
            final List<String> warnings = new ArrayList<>();
            try (Organism organism = launch(new Context().cpus(new int[]{ cpu }).idleStrategy("backoff"), warnings))
            {
                assertEquals(-1, organism.workers().cpu(0));
                assertEquals(List.of("CPU " + cpu + " is claimed by another organism (pid " + holder.pid() +
                    "): 1 worker(s) run unpinned"), warnings);
            }
            holder.destroyForcibly();   // SIGKILL: the organism is never closed
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            warnings.clear();
            try (Organism organism = launch(new Context().cpus(new int[]{ cpu }).idleStrategy("backoff"), warnings))
            {
                assertEquals(cpu, organism.workers().cpu(0), "the killed process's claim went with it");
                assertEquals(List.of(), warnings);
            }
        }
        finally
        {
            holder.destroyForcibly();
        }
    }

    @Test
    void shouldRejectCpusThatAreNoneRepeatedNotAllowedOrFewerThanWorkers()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        assertEquals("cpus must name at least one CPU", assertThrows(ConfigurationException.class,
            () -> new Context().cpus(new int[0]).conclude()).getMessage());
        assertEquals("cpus must be distinct: CPU " + allowed[0] + " is given twice", assertThrows(
            ConfigurationException.class, () -> new Context().cpus(new int[]{ allowed[0], allowed[0] }).conclude())
            .getMessage());
        assertEquals("cpus must be CPUs this process may run on (" +
            Cpu.formatList(allowed) + "): CPU 65535 is not", assertThrows(ConfigurationException.class,
            () -> new Context().cpus(new int[]{ allowed[0], 65535 }).conclude()).getMessage());
        assertEquals(Configuration.WORKER_COUNT_PROP_NAME + " must be <= the 1 CPU(s) given: workerCount=2",
            assertThrows(ConfigurationException.class,
                () -> new Context().cpus(new int[]{ allowed[0] }).workerCount(2).conclude()).getMessage());
        assertEquals(1, new Context().cpus(new int[]{ allowed[0] }).conclude().workerCount());
    }

    private static Organism launch(final Context context, final List<String> warnings)
    {
        return Organism.launch(context.seed(11).warnings(warnings::add));
    }

    private static long digest(final Organism organism)
    {
        Tissue.seed(organism, 5_000);
        organism.run(5);
        return organism.digest();
    }

    @Test
    @Timeout(60)
    void shouldPinAShardsExchangeToACpuAfterItsWorkersWhenOneIsLeftAndClaimIt()
    {
        final int[] allowed = Organism.machine().allowedCpus();
        assumeTrue(allowed.length >= 2, "two CPUs");
        final int[] two = { allowed[1], allowed[0] };
        final Context sharded = new Context().threadingMode(ThreadingMode.DEDICATED).bindType(BindType.U).cpus(two)
            .workerCount(1).idleStrategy("backoff");
        try (WorkerPinning pinning = WorkerPinning.plan(sharded, 1, true))
        {
            assertArrayEquals(new int[]{ allowed[1] }, pinning.cpus());
            assertEquals(allowed[0], pinning.exchangeCpu(), "the CPU after the worker's");
            final List<String> warnings = new ArrayList<>();
            try (WorkerPinning other = WorkerPinning.plan(new Context().threadingMode(ThreadingMode.DEDICATED)
                .bindType(BindType.U).cpus(new int[]{ allowed[0] }).workerCount(1).idleStrategy("backoff")
                .warnings(warnings::add), 1, false))
            {
                assertNull(other.cpus(), "the exchange's CPU is claimed with the workers'");
                assertEquals(1, warnings.size(), warnings.toString());
            }
        }
        try (WorkerPinning none = WorkerPinning.plan(new Context().threadingMode(ThreadingMode.DEDICATED)
            .bindType(BindType.U).cpus(two).workerCount(2).idleStrategy("backoff"), 1, true))
        {
            assertArrayEquals(new int[]{ allowed[1] }, none.cpus());
            assertEquals(-1, none.exchangeCpu(), "no CPU beyond the run's workers' given: unpinned");
        }
        try (WorkerPinning one = WorkerPinning.plan(sharded, 1, false))
        {
            assertEquals(-1, one.exchangeCpu(), "one process: no exchange");
        }
        try (WorkerPinning unpinned = WorkerPinning.plan(new Context().threadingMode(ThreadingMode.DEDICATED)
            .pin(false).workerCount(1).idleStrategy("backoff"), 1, true))
        {
            assertNull(unpinned.cpus());
            assertEquals(-1, unpinned.exchangeCpu(), "unpinned workers, unpinned exchange");
        }
    }
}
