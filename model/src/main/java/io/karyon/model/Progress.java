package io.karyon.model;

/**
 * How a {@link ModelRun} reports progress on stderr.
 */
public enum Progress
{
    /** A live bar redrawn in place when stderr is a terminal; otherwise a plain line every few seconds. */
    AUTO,
    /** A plain line every few seconds, terminal or not. */
    PLAIN,
    /** Nothing ({@code --quiet}). */
    NONE
}
