package io.karyon.cli;

import io.karyon.model.ModelCatalog;
import io.karyon.model.ModelException;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.jar.JarFile;
import java.util.zip.ZipException;

/**
 * Where {@code karyon} finds models: the built-in ones on its own class path, and those in the jars and folders of
 * {@code --classpath PATH} (or, without it, the {@code KARYON_CLASSPATH} environment variable), entries separated by
 * {@link File#pathSeparator}, each listing its models in {@code META-INF/services/io.karyon.model.Model}.
 * <p>
 * A missing or unreadable entry, a file that is not a jar, or a model that cannot be loaded is bad input: a
 * {@link ModelException} with one line naming it, exit 2.
 */
public final class ModelDiscovery
{
    /** The option naming extra jars and folders of models. */
    public static final String CLASSPATH_OPTION = "--classpath";
    /** The environment variable read when {@link #CLASSPATH_OPTION} is not given. */
    public static final String CLASSPATH_ENV = "KARYON_CLASSPATH";

    private ModelDiscovery()
    {
    }

    /**
     * The models of the command's class path and of a {@code --classpath} (or {@code KARYON_CLASSPATH}).
     *
     * @param classpath the option's value, or null when not given.
     * @return the catalog.
     * @throws ModelException (exit 2) naming a bad entry, or a model that cannot be loaded.
     */
    public static ModelCatalog catalog(final String classpath)
    {
        return catalog(classpath, System.getenv(CLASSPATH_ENV));
    }

    /**
     * The models of the command's class path and of the given extra path.
     *
     * @param option      {@code --classpath}, or null when not given.
     * @param environment {@code KARYON_CLASSPATH}, or null when not set; used only without the option.
     * @return the catalog.
     * @throws ModelException (exit 2) naming a bad entry, or a model that cannot be loaded.
     */
    public static ModelCatalog catalog(final String option, final String environment)
    {
        final String source = null != option ? CLASSPATH_OPTION : CLASSPATH_ENV;
        final String path = null != option ? option : environment;
        final ClassLoader loader = loader(source, path, ModelDiscovery.class.getClassLoader());
        try
        {
            return ModelCatalog.load(loader);
        }
        catch (final RuntimeException | ServiceConfigurationError | LinkageError ex)
        {
            // ModelCatalog names a broken service entry; a class built for a newer Java, or a model whose name()
            // throws, gets here as it was thrown.
            final String message = ex instanceof IllegalArgumentException ? ex.getMessage() :
                "cannot load a model: " + ex;
            throw new ModelException(message.replace('\n', ' ') + (null == path || path.isBlank() ? "" :
                " (" + source + " " + path + ")"), ModelException.EXIT_USAGE, ex);
        }
    }

    /**
     * A class loader over the jars and folders of a path, whose parent is the command's own.
     *
     * @param source what the path came from, for errors: {@code --classpath} or {@code KARYON_CLASSPATH}.
     * @param path   entries separated by {@link File#pathSeparator}; null or blank: none.
     * @param parent loader of the built-in models.
     * @return the loader (the parent itself when the path has no entries).
     * @throws ModelException (exit 2) naming a missing or unreadable entry or a file that is not a jar.
     */
    static ClassLoader loader(final String source, final String path, final ClassLoader parent)
    {
        if (null == path || path.isBlank())
        {
            return parent;
        }
        final List<URL> urls = new ArrayList<>();
        for (final String entry : path.split(File.pathSeparator, -1))
        {
            if (!entry.isBlank())
            {
                urls.add(url(source, entry));
            }
        }
        return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    private static URL url(final String source, final String entry)
    {
        final Path file;
        try
        {
            file = Path.of(entry);
        }
        catch (final InvalidPathException ex)
        {
            throw bad(source, entry, "not a file name");
        }
        if (!Files.exists(file))
        {
            throw bad(source, entry, "no such file or folder");
        }
        if (!Files.isReadable(file))
        {
            throw bad(source, entry, "cannot be read");
        }
        if (!Files.isDirectory(file))
        {
            try (JarFile jar = new JarFile(file.toFile()))
            {
                jar.getManifest();
            }
            catch (final ZipException ex)
            {
                throw bad(source, entry, "not a jar (" + ex.getMessage() + ")");
            }
            catch (final IOException | SecurityException ex)
            {
                throw bad(source, entry, "cannot be read (" + ex.getMessage() + ")");
            }
        }
        try
        {
            return file.toUri().toURL();
        }
        catch (final MalformedURLException ex)
        {
            throw bad(source, entry, "not a file name");
        }
    }

    private static ModelException bad(final String source, final String entry, final String problem)
    {
        return new ModelException(source + ": " + entry + ": " + problem, ModelException.EXIT_USAGE, null);
    }
}
