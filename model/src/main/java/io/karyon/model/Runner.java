package io.karyon.model;

/**
 * Does one {@link ModelRun}: set-up, ticks, observations, outputs.
 */
final class Runner
{
    private final ModelRun.Builder settings;

    Runner(final ModelRun.Builder settings)
    {
        this.settings = settings;
    }

    ModelRun.Result run()
    {
        throw new UnsupportedOperationException("ModelRun is being written: " + settings.model.name());
    }
}
