package io.karyon.cli;

import io.karyon.model.Model;
import io.karyon.model.Parameter;
import io.karyon.model.Setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model that only declares parameters, for sweep tests (whose runs are {@link SweepFakeRun}s): found through a
 * {@code --classpath} folder made by {@link #classpath(Path)}, so that no other test's catalog lists it.
 */
public final class SweepTestModel implements Model
{
    /**
     * A folder that names this model as a service, for {@code --classpath}.
     *
     * @param folder to create.
     * @return the folder.
     * @throws IOException if it cannot be written.
     */
    static Path classpath(final Path folder) throws IOException
    {
        final Path services = Files.createDirectories(folder.resolve("META-INF/services"));
        Files.writeString(services.resolve(Model.class.getName()), SweepTestModel.class.getName() + "\n");
        return folder;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return "sweeptest";
    }

    /**
     * {@inheritDoc}
     */
    public String description()
    {
        return "parameters for sweep tests";
    }

    /**
     * {@inheritDoc}
     */
    public List<Parameter> parameters()
    {
        return List.of(
            Parameter.number("beta", 0.03, 0, 1, "a probability"),
            Parameter.integer("contacts", 10, 1, 1000, "a count"),
            Parameter.text("mode", "a", "a choice", "a", "b"));
    }

    /**
     * {@inheritDoc}
     */
    public void setUp(final Setup setup)
    {
        throw new UnsupportedOperationException("sweeptest only declares parameters; SweepFakeRun runs it");
    }
}
