package io.karyon.engine;

/**
 * A setting that is out of range or inconsistent with another: thrown by {@link Context#conclude()}.
 */
public final class ConfigurationException extends KaryonException
{
    private static final long serialVersionUID = 1L;

    /**
     * A configuration error.
     *
     * @param message naming the setting, the rule and the value.
     */
    public ConfigurationException(final String message)
    {
        super(message);
    }
}
