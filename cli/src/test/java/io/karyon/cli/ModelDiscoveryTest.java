package io.karyon.cli;

import io.karyon.model.Model;
import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelDiscoveryTest
{
    static final String SERVICES = "META-INF/services/io.karyon.model.Model";

    @TempDir
    Path dir;

    /**
     * A jar with a manifest and one service file listing the given classes.
     */
    static Path jar(final Path file, final String... providers) throws IOException
    {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest))
        {
            jar.putNextEntry(new JarEntry(SERVICES));
            jar.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return file;
    }

    private static List<String> names(final ModelCatalog catalog)
    {
        return catalog.models().stream().map(Model::name).toList();
    }

    @Test
    void shouldFindTheModelsOnTheCommandsOwnClassPath()
    {
        assertEquals(List.of("broken", "supervised", "tiny"), names(ModelDiscovery.catalog(null, null)));
    }

    @Test
    void shouldFindAModelThatOnlyAJarOnTheClasspathLists() throws IOException
    {
        final Path jar = jar(dir.resolve("models.jar"), JarredModel.class.getName());

        assertEquals(List.of("broken", "jarred", "supervised", "tiny"),
            names(ModelDiscovery.catalog(jar.toString(), null)));
    }

    @Test
    void shouldReadKaryonClasspathOnlyWhenTheOptionIsNotGiven() throws IOException
    {
        final Path jar = jar(dir.resolve("models.jar"), JarredModel.class.getName());
        final Path other = jar(dir.resolve("other.jar"));

        assertTrue(names(ModelDiscovery.catalog(null, jar.toString())).contains("jarred"));
        assertFalse(names(ModelDiscovery.catalog(other.toString(), jar.toString())).contains("jarred"));
    }

    @Test
    void shouldFindModelsInAFolderAndSkipEmptyEntries() throws IOException
    {
        final Path folder = dir.resolve("classes");
        Files.createDirectories(folder.resolve("META-INF/services"));
        Files.writeString(folder.resolve(SERVICES), JarredModel.class.getName() + "\n");
        final Path other = jar(dir.resolve("other.jar"));

        final String path = File.pathSeparator + other + File.pathSeparator + File.pathSeparator + folder;
        assertTrue(names(ModelDiscovery.catalog(path, null)).contains("jarred"));
    }

    @Test
    void shouldNameAMissingEntry()
    {
        final Path missing = dir.resolve("missing.jar");

        final ModelException ex = assertThrows(ModelException.class,
            () -> ModelDiscovery.catalog(missing.toString(), null));

        assertEquals("--classpath: " + missing + ": no such file or folder", ex.getMessage());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
    }

    @Test
    void shouldNameAFileThatIsNotAJar() throws IOException
    {
        final Path text = Files.writeString(dir.resolve("models.txt"), "not a jar\n");

        final ModelException ex = assertThrows(ModelException.class,
            () -> ModelDiscovery.catalog(null, text.toString()));

        assertTrue(ex.getMessage().startsWith("KARYON_CLASSPATH: " + text + ": not a jar ("), ex.getMessage());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
    }

    @Test
    void shouldNameABrokenServiceEntry() throws IOException
    {
        final Path jar = jar(dir.resolve("broken.jar"), "com.example.NoSuchModel");

        final ModelException ex = assertThrows(ModelException.class,
            () -> ModelDiscovery.catalog(jar.toString(), null));

        assertTrue(ex.getMessage().startsWith("cannot load a model: "), ex.getMessage());
        assertTrue(ex.getMessage().contains("com.example.NoSuchModel"), ex.getMessage());
        assertTrue(ex.getMessage().endsWith(" (--classpath " + jar + ")"), ex.getMessage());
        assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
        assertEquals(ModelException.EXIT_USAGE, ex.exitCode());
    }

    @Test
    void shouldNameAServiceEntryThatIsNotAModel() throws IOException
    {
        // Not java.lang.String: ServiceLoader skips, silently, a class-path entry naming a class of a named module.
        final Path jar = jar(dir.resolve("wrong.jar"), Json.class.getName());

        final ModelException ex = assertThrows(ModelException.class,
            () -> ModelDiscovery.catalog(jar.toString(), null));

        assertTrue(ex.getMessage().contains("io.karyon.cli.Json not a subtype"), ex.getMessage());
        assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
    }

    @Test
    void shouldExitWithUsageAndOneLineForABadClasspathOnTheCommandLine() throws IOException
    {
        final Path text = Files.writeString(dir.resolve("models.txt"), "not a jar\n");
        for (final String command : new String[]{ "models", "run" })
        {
            final CommandRun run = CommandRun.karyon(command, "--classpath", text.toString());

            assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
            assertEquals("", run.out());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("karyon " + command + ": --classpath: " + text + ": not a jar ("),
                run.err());
            assertFalse(run.err().contains("Exception"), run.err());
        }
    }

    @Test
    void shouldPrintTheStackTraceOfABadClasspathWithVerbose()
    {
        final CommandRun run = CommandRun.karyon("models", "--classpath", dir.resolve("none.jar").toString(),
            "--verbose");

        assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("at io.karyon.cli.ModelDiscovery"), run.err());
    }

    @Test
    void shouldListAJarsModelWithKaryonModels() throws IOException
    {
        final Path jar = jar(dir.resolve("models.jar"), JarredModel.class.getName());

        final CommandRun without = CommandRun.karyon("models");
        final CommandRun with = CommandRun.karyon("models", "--classpath", jar.toString());

        assertEquals(Cli.EXIT_OK, with.exitCode(), with.err());
        assertFalse(without.out().contains("jarred"), without.out());
        assertTrue(with.out().contains("jarred: Found through --classpath"), with.out());
    }
}
