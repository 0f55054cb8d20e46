package io.karyon.model;

/**
 * A scenario file that cannot be run as written: malformed TOML, an unknown section or key, a value of the wrong type
 * or out of range. The message is one line, {@code FILE:LINE: KEY: expected ..., got ...}, e.g.
 * {@code scenario.toml:4: beta: expected a number in [0, 1], got "abc"}; the command line exits with usage (2).
 */
public final class ScenarioException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String key;

    /**
     * A problem at a place in a file.
     *
     * @param file    as the user named it.
     * @param line    1-based line of the problem.
     * @param key     the key or section concerned, null for one that is not about a key (malformed TOML).
     * @param problem what is wrong, e.g. {@code expected an integer, got "abc"}.
     */
    public ScenarioException(final String file, final int line, final String key, final String problem)
    {
        super(file + ":" + line + ": " + (null == key ? "" : key + ": ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /**
     * The file, as the user named it.
     *
     * @return the file name.
     */
    public String file()
    {
        return file;
    }

    /**
     * The line of the problem, from 1.
     *
     * @return the line.
     */
    public int line()
    {
        return line;
    }

    /**
     * The key or section concerned ({@code beta}, {@code run.cells}, {@code outputs}).
     *
     * @return the key, or null for malformed TOML.
     */
    public String key()
    {
        return key;
    }
}
