package io.karyon.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmFlagsTest
{
    private static final Module ENGINE = JvmFlagsTest.class.getModule();

    @Test
    void shouldListTheExportsAndOpensOfTheParentPom()
    {
        assertEquals(List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED"), JvmFlags.required());
    }

    @Test
    void shouldFindEveryFlagInEffectUnderSurefiresArgLine()
    {
        assertEquals(List.of(), JvmFlags.missing(JvmFlags.required(), ENGINE));
        JvmFlags.check();
    }

    @Test
    void shouldNameOnlyTheFlagsNotInEffectAndSkipUnknownModules()
    {
        final List<String> flags = List.of(
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=no.such.module/no.such.pkg=ALL-UNNAMED");

        assertEquals(List.of(
            "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED"), JvmFlags.missing(flags, ENGINE));
    }

    @Test
    void shouldTellAnExportFromAnOpen()
    {
        // sun.nio.ch is exported to the engine by surefire's argLine, but not opened.
        assertEquals(List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
            JvmFlags.missing(List.of("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), ENGINE));
    }

    @Test
    void shouldRejectAMalformedFlag()
    {
        final KaryonException ex = assertThrows(KaryonException.class,
            () -> JvmFlags.missing(List.of("--add-exports=java.base=ALL-UNNAMED"), ENGINE));
        assertEquals("malformed flag in io/karyon/engine/jvm.flags: --add-exports=java.base=ALL-UNNAMED",
            ex.getMessage());
    }

    @Test
    @Timeout(60)
    void shouldFailToLaunchWithOneLineNamingEveryMissingFlagInAJvmWithoutThem() throws Exception
    {
        final List<String> command = List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xshare:auto", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"),
            LaunchProbe.class.getName());
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "child JVM finished");

        assertEquals(1, process.exitValue(), output);
        final String line = output.lines().filter((l) -> l.startsWith("Exception in thread")).findFirst()
            .orElse(output);
        assertEquals("Exception in thread \"main\" " + ConfigurationException.class.getName() + ": " +
            JvmFlags.message(JvmFlags.required()), line);
        assertFalse(output.contains("IllegalAccessError"), output);
        assertFalse(output.contains("launched"), output);
    }
}
