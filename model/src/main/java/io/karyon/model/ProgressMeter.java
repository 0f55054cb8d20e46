package io.karyon.model;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr: a bar redrawn in place on a terminal (about five times a second), a plain line every
 * {@link #PLAIN_INTERVAL_NS} otherwise, or nothing.
 * <p>
 * <b>Note:</b> not threadsafe; the driver calls it after every tick. Reads the clock once a tick; formats only when a
 * line is due.
 */
final class ProgressMeter
{
    /** How often a plain line is printed. */
    static final long PLAIN_INTERVAL_NS = 5_000_000_000L;
    /** How often the bar is redrawn. */
    static final long BAR_INTERVAL_NS = 200_000_000L;
    static final int BAR_WIDTH = 24;

    private final String name;
    private final PrintStream err;
    private final boolean bar;
    private final boolean quiet;
    private final long maxTicks;
    private final long intervalNs;
    private long startNs;
    private long nextNs;
    private boolean drawn;

    /**
     * A meter.
     *
     * @param name     of the model, starting each line.
     * @param mode     AUTO, PLAIN or NONE.
     * @param terminal whether the stream is a terminal (AUTO draws a bar on one).
     * @param err      the stream.
     * @param maxTicks the most ticks the run lasts.
     */
    ProgressMeter(final String name, final Progress mode, final boolean terminal, final PrintStream err,
        final long maxTicks)
    {
        this.name = name;
        this.err = err;
        this.quiet = Progress.NONE == mode;
        this.bar = Progress.AUTO == mode && terminal;
        this.maxTicks = maxTicks;
        this.intervalNs = bar ? BAR_INTERVAL_NS : PLAIN_INTERVAL_NS;
    }

    /**
     * The run's ticks start now.
     */
    void start(final long nowNs)
    {
        startNs = nowNs;
        nextNs = nowNs + intervalNs;
    }

    /**
     * Whether a line is due (cheap: call after every tick, then {@link #show} if true).
     */
    boolean isDue(final long nowNs)
    {
        return !quiet && nowNs - nextNs >= 0;
    }

    /**
     * Shows the progress.
     *
     * @param tick  ticks done.
     * @param cells alive.
     * @param nowNs clock.
     */
    void show(final long tick, final long cells, final long nowNs)
    {
        nextNs = nowNs + intervalNs;
        final double seconds = (nowNs - startNs) / 1e9;
        final String line = line(name, tick, maxTicks, cells, seconds, bar);
        if (bar)
        {
            err.print('\r' + line + "\u001b[K");
            drawn = true;
        }
        else
        {
            err.println(line);
        }
        err.flush();
    }

    /**
     * The run is over: ends a bar's line.
     */
    void finish(final long tick, final long cells, final long nowNs)
    {
        if (bar && drawn)
        {
            show(tick, cells, nowNs);
            err.println();
            err.flush();
        }
    }

    /**
     * One progress line: {@code sir [#####.......]  tick 1,200/10,000  12.0%  cells 1,000,000  850.2 ticks/s
     * ETA 0:00:10} (the bar only with {@code bar}).
     *
     * @param name     of the model.
     * @param tick     ticks done.
     * @param maxTicks most ticks.
     * @param cells    alive.
     * @param seconds  since the ticks started.
     * @param bar      whether to draw a bar.
     * @return the line.
     */
    static String line(final String name, final long tick, final long maxTicks, final long cells,
        final double seconds, final boolean bar)
    {
        final double fraction = maxTicks > 0 ? Math.min(1.0, (double)tick / maxTicks) : 1.0;
        final double ticksPerS = seconds > 0 ? tick / seconds : 0;
        final StringBuilder line = new StringBuilder(120).append(name);
        if (bar)
        {
            final int filled = (int)(fraction * BAR_WIDTH);
            line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
        }
        line.append(String.format(Locale.ROOT, "  tick %,d/%,d  %.1f%%  cells %,d  %.1f ticks/s  ETA %s",
            tick, maxTicks, 100 * fraction, cells, ticksPerS,
            ticksPerS > 0 ? duration((maxTicks - tick) / ticksPerS) : "?"));
        return line.toString();
    }

    /**
     * A duration as {@code H:MM:SS}.
     *
     * @param seconds >= 0.
     * @return the text.
     */
    static String duration(final double seconds)
    {
        final long s = Math.max(0, Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
