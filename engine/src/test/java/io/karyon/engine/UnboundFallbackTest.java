package io.karyon.engine;

import io.karyon.engine.sim.Tissue;
import io.karyon.numa.NumaBinding;
import io.karyon.scheduler.CpuClaim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnboundFallbackTest
{
    @Test
    @Timeout(60)
    void shouldRunUnboundWithOneWarningWhenTheBindingLibraryIsAbsent() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc"))
            {
                command.add(arg);
            }
        }
        command.add("-D" + NumaBinding.LIBRARY_PROP_NAME + "=disabled");
        // The child claims CPUs where this JVM does (the build's own folder), not where other runs on the machine do.
        final String claims = System.getProperty(CpuClaim.DIRECTORY_PROP_NAME);
        if (null != claims)
        {
            command.add("-D" + CpuClaim.DIRECTORY_PROP_NAME + "=" + claims);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(UnboundProbe.class.getName());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);

        final long expectedDigest;
        try (Organism organism = Organism.launch(new Context().workerCount(2).idleStrategy("backoff").seed(5)))
        {
            Tissue.seed(organism, 70_000);
            organism.run(5);
            expectedDigest = organism.digest();
        }
        final String line = output.lines().filter((l) -> l.startsWith("warnings=")).findFirst().orElse(output);
        assertTrue(line.startsWith("warnings=arena memory runs unbound: karyon.numa.library=disabled| hugePages=false"),
            output);
        assertTrue(line.endsWith(" digest=" + Long.toHexString(expectedDigest)), "same run, bound or not: " + output);
    }
}
