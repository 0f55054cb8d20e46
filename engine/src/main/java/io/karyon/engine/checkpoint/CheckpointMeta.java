package io.karyon.engine.checkpoint;

import java.util.Map;

/**
 * What the run layer records in a checkpoint's header: free text for the engine, shown by inspect.
 *
 * @param model      the model's name.
 * @param parameters the model's parameters by name, as text.
 * @param seed       the run's seed.
 * @param parent     the checkpoint this run was forked from, or null.
 */
public record CheckpointMeta(String model, Map<String, String> parameters, long seed, String parent)
{
}
