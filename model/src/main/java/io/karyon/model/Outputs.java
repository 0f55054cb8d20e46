package io.karyon.model;

import java.util.Map;

/**
 * Writes a run's files.
 */
final class Outputs
{
    private Outputs()
    {
    }

    static String json(final Map<String, Object> summary, final boolean pretty)
    {
        throw new UnsupportedOperationException("not yet");
    }

    static String text(final Map<String, Object> summary)
    {
        throw new UnsupportedOperationException("not yet");
    }
}
