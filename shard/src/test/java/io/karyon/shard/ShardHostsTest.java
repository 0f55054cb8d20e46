package io.karyon.shard;

import io.karyon.engine.Context;
import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import io.karyon.model.Progress;
import io.karyon.models.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints of a run across hosts: two shard processes launched by no launcher, over UDP loopback, each with an
 * output folder of its own, shard 1's process killed (SIGKILL) once its folder holds a complete set; resumed from the
 * two folders (each shard its own), the run ends with the unbroken run's digest. Hosts holding no common set, or one
 * host without its manifest copy, are refused on every shard with one line, exit 2.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShardHostsTest
{
    private static final Model RING = new Ring();
    private static final ShardRun.Spec SPEC = new ShardRun.Spec(RING, Map.of("supervisors", "40", "spread", "true"),
        3000, 400, 5, 1);
    private static final long TIMEOUT_MS = 5000;

    private Path dir;

    @BeforeEach
    void makeDir() throws IOException
    {
        dir = Files.createTempDirectory("karyon-shard-hosts-test-");
    }

    @AfterEach
    void cleanUp()
    {
        ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly);
        ShardThreads.delete(dir);
    }

    @Test
    void shouldResumeARunAcrossHostsWhoseShardWasKilledToTheUnbrokenDigest() throws Exception
    {
        killedRun();
        // A host without its manifest copy: refused on every shard, and nothing is changed.
        final Path aside = Files.createDirectories(dir.resolve("aside"));
        for (final Path f : files(host(1), ".manifest.json"))
        {
            Files.move(f, aside.resolve(f.getFileName()));
        }
        assertRefused("shard 1 holds no complete set");
        for (final Path f : files(aside, ".manifest.json"))
        {
            Files.move(f, host(1).resolve(f.getFileName()));
        }
        final long unbroken = ShardCheckpointTest.sharded(dir.resolve("aeron"), SPEC, 2, null, null, false,
            dir.resolve("unbroken"))[0].digest();
        final ShardRun.Result[] resumed = resume();
        assertEquals(unbroken, resumed[0].digest(), "shard 0 resumed as the unbroken run");
        assertEquals(unbroken, resumed[1].digest(), "shard 1 resumed as the unbroken run");
        for (int s = 0; s < 2; s++)
        {
            final List<Path> manifests = files(host(s), ".manifest.json");
            assertTrue(manifests.contains(ShardManifest.file(host(s), SPEC.resolvedTicks())),
                "host " + s + " holds the last set's manifest: " + manifests);
            assertTrue(manifests.size() <= 2, "host " + s + " keeps 2 sets: " + manifests);
            assertEquals(manifests.size(), files(host(s), ".kcp").size(), "host " + s + " holds only kept parts");
        }
    }

    @Test
    void shouldResumeAcrossHostsWithTicksIntoAnotherOutAsTheLongerRun() throws Exception
    {
        final ShardRun.Spec shorter = new ShardRun.Spec(RING, SPEC.parameters(), SPEC.cells(), 200, SPEC.seed(), 1);
        final List<String> endpoints = ShardLauncher.loopbackEndpoints(2);
        ShardThreads.run(2, (shard) -> AeronShardLink.udp(shard, endpoints, dir.resolve("run-aeron-" + shard),
            TIMEOUT_MS * 1_000_000L), (shard, link) -> ShardRun.run(shorter, link, new Context(),
            (run) -> run.out(host(shard).getParent()).progress(Progress.NONE), ShardHosts.agreed(link,
            new ShardCheckpoints.Settings(host(shard), 100, 2, "0123abcd")), null));
        final ShardRun.Result[] unbroken = ShardCheckpointTest.sharded(dir.resolve("aeron"), SPEC, 2, null, null,
            false, dir.resolve("unbroken"));
        // --ticks given to shard 0 alone (shard 1 takes it from shard 0), --out on each host.
        final List<String> again = ShardLauncher.loopbackEndpoints(2);
        final ShardRun.Result[] longer = new ShardRun.Result[2];
        ShardThreads.run(2, (shard) -> AeronShardLink.udp(shard, again, dir.resolve("resume-aeron-" + shard),
            TIMEOUT_MS * 1_000_000L), (shard, link) -> longer[shard] = ShardHosts.resume(host(shard), link,
            ModelCatalog.of(List.of(RING)), new Context(), (run) -> run.progress(Progress.NONE),
            0 == shard ? SPEC.ticks() : 0, dir.resolve("longer-" + shard)));
        for (int s = 0; s < 2; s++)
        {
            assertEquals(unbroken[0].digest(), longer[s].digest(), "shard " + s + " resumed as the longer run");
            assertEquals(SPEC.ticks(), longer[s].ticks(), "shard " + s);
            assertTrue(Files.exists(ShardManifest.file(dir.resolve("longer-" + s).resolve("checkpoints"),
                SPEC.ticks())), "host " + s + "'s next sets in its --out");
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("unbroken/timeseries.csv")),
            Files.readAllBytes(dir.resolve("longer-0/timeseries.csv")), "shard 0's rows, as the longer run's");
        // Different lengths on two hosts: refused on every shard alike, nothing run.
        final List<String> third = ShardLauncher.loopbackEndpoints(2);
        final Throwable[] failures = ShardThreads.tryRun(2, (shard) -> AeronShardLink.udp(shard, third,
            dir.resolve("refused-aeron-" + shard), TIMEOUT_MS * 1_000_000L), (shard, link) -> ShardHosts.resume(
            host(shard), link, ModelCatalog.of(List.of(RING)), null, (run) -> run.progress(Progress.NONE),
            300 + shard, null));
        for (int s = 0; s < 2; s++)
        {
            final ModelException ex = assertInstanceOf(ModelException.class, failures[s], "shard " + s);
            assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
            assertEquals("the shards were given different --ticks: shard 0 300, shard 1 301; give every host the " +
                "same, or give it to shard 0 alone", ex.getMessage());
        }
    }

    @Test
    void shouldTakeTheNewestSetEveryHostHoldsOrRefuse()
    {
        assertEquals("20", ShardHosts.decide(List.of("40:ab 20:ab", "20:ab")), "a host whose newest set is older");
        assertEquals("40", ShardHosts.decide(List.of("40:ab 20:ab", "60:ab 40:ab 20:ab")));
        assertEquals("!the shards hold no common complete set of checkpoints (tick:run id): shard 0 holds 40:ab; " +
            "shard 1 holds 20:ab", ShardHosts.decide(List.of("40:ab", "20:ab")));
        assertTrue(ShardHosts.decide(List.of("20:ab", "20:cd")).startsWith("!the shards hold no common"),
            "another run's set");
        assertEquals("!shard 1 holds none; no set to resume from", ShardHosts.decide(List.of("20:ab",
            "!shard 1 holds none")));
    }

    private void assertRefused(final String what) throws Exception
    {
        final List<String> endpoints = ShardLauncher.loopbackEndpoints(2);
        final Throwable[] failures = ShardThreads.tryRun(2, (shard) -> AeronShardLink.udp(shard, endpoints,
            dir.resolve("resume-aeron-" + shard), TIMEOUT_MS * 1_000_000L), (shard, link) -> ShardHosts.resume(
            host(shard), link, ModelCatalog.of(List.of(RING)), null, (run) -> run.progress(Progress.NONE)));
        for (int s = 0; s < 2; s++)
        {
            final ModelException ex = assertInstanceOf(ModelException.class, failures[s], "shard " + s);
            assertEquals(ModelException.EXIT_USAGE, ex.exitCode(), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
            assertTrue(ex.getMessage().contains(what), ex.getMessage());
        }
        assertEquals(failures[0].getMessage(), failures[1].getMessage(), "the same line on every shard");
    }

    private ShardRun.Result[] resume() throws Exception
    {
        final List<String> endpoints = ShardLauncher.loopbackEndpoints(2);
        final ShardRun.Result[] results = new ShardRun.Result[2];
        ShardThreads.run(2, (shard) -> AeronShardLink.udp(shard, endpoints, dir.resolve("resume-aeron-" + shard),
            TIMEOUT_MS * 1_000_000L), (shard, link) -> results[shard] = ShardHosts.resume(host(shard), link,
            ModelCatalog.of(List.of(RING)), new Context(),
            (run) -> run.out(dir.resolve("resumed-out")).progress(Progress.NONE)));  // ShardMain wrote no outputs
        return results;
    }

    /**
     * Starts both shards as processes of their own, each with its folder, and kills shard 1's once its folder holds a
     * manifest copy: shard 0 then fails (exit 1), and both folders hold sets.
     */
    private void killedRun() throws Exception
    {
        final List<String> endpoints = ShardLauncher.loopbackEndpoints(2);
        final List<Process> shards = new ArrayList<>();
        for (int s = 0; s < 2; s++)
        {
            Files.createDirectories(host(s));
            final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString())));
            for (final String flag : ManagementFactory.getRuntimeMXBean().getInputArguments())
            {
                if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent"))
                {
                    command.add(flag);  // this JVM's --add-opens and the like, as the launcher gives its shards
                }
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ShardMain.class.getName()));
            command.addAll(SPEC.arguments());
            command.addAll(List.of("--shard", s + "/2", "--aeron-dir", dir.resolve("aeron-" + s).toString(),
                "--timeout-ms", Long.toString(TIMEOUT_MS), "--peers", String.join(",", endpoints),
                "--checkpoint-dir", host(s).toString(), "--checkpoint-every", "20", "--keep-checkpoints", "2",
                "--run-id", "0123abcd", ShardMain.FOLDER_OPTION, "own"));
            shards.add(new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("shard-" + s + ".err").toFile()).start());
        }
        final long startNs = System.nanoTime();
        while (files(host(1), ".manifest.json").isEmpty())
        {
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(60), "no set within 60 s");
            try
            {
                shards.get(1).onExit().get(5, TimeUnit.MILLISECONDS);
                throw new AssertionError("shard 1 ended before its first set: " +
                    Files.readString(dir.resolve("shard-1.err")));
            }
            catch (final TimeoutException ex)
            {
                // still running: look again
            }
        }
        shards.get(1).destroyForcibly();
        assertTrue(shards.get(1).waitFor(30, TimeUnit.SECONDS));
        assertTrue(shards.get(0).waitFor(30, TimeUnit.SECONDS), "shard 0 ends once shard 1 is gone");
        assertEquals(1, shards.get(0).exitValue(), "shard 0 fails: shard 1 is lost");
    }

    private Path host(final int shard)
    {
        return dir.resolve("host-" + shard).resolve("checkpoints");
    }

    /**
     * The files of a folder ending so, oldest tick first.
     */
    private static List<Path> files(final Path folder, final String suffix) throws IOException
    {
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "tick-*" + suffix))
        {
            files.forEach(found::add);
        }
        found.sort((a, b) -> Long.compare(tick(a), tick(b)));
        return found;
    }

    private static long tick(final Path file)
    {
        final String name = String.valueOf(file.getFileName());
        return Long.parseLong(name.substring("tick-".length(), name.indexOf('.')));
    }
}
