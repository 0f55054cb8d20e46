package io.karyon.model;

import io.karyon.engine.ExitReasons;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The engine's columns of {@code timeseries.csv}, after the model's: live cells, cells spawned, deaths (in all and by
 * exit reason), restarts, escalations, dead letters, messages delivered and tick steps run, each counted since the
 * launch. All are the same for any number of workers (timings go to {@code latency.csv}).
 * <p>
 * <b>Note:</b> not threadsafe; the driver reads it between ticks.
 */
final class EngineColumns
{
    private static final String[] FIXED = { "cells", "spawned", "deaths" };
    private static final String[] AFTER = { "restarts", "escalations", "dead_letters", "delivered", "updates" };
    private static final String DEATHS_PREFIX = "deaths_";

    private final String[] reasons;
    private final String[] columns;

    /**
     * Columns for the exit reasons an organism has registered now (after the model's set-up).
     */
    EngineColumns(final Organism organism)
    {
        final ExitReasons table = organism.exitReasons();
        final List<String> names = new ArrayList<>();
        for (int code = 0; code < ExitReasons.MAX_REASONS; code++)
        {
            if (table.isValid(code))
            {
                names.add(table.name(code));
            }
        }
        reasons = names.toArray(new String[0]);
        columns = new String[FIXED.length + reasons.length + AFTER.length];
        System.arraycopy(FIXED, 0, columns, 0, FIXED.length);
        for (int i = 0; i < reasons.length; i++)
        {
            columns[FIXED.length + i] = DEATHS_PREFIX + reasons[i];
        }
        System.arraycopy(AFTER, 0, columns, FIXED.length + reasons.length, AFTER.length);
    }

    /**
     * Whether a model's column would clash with one of the engine's.
     */
    static boolean isReserved(final String column)
    {
        if (column.startsWith(DEATHS_PREFIX))
        {
            return true;
        }
        for (final String name : FIXED)
        {
            if (name.equals(column))
            {
                return true;
            }
        }
        for (final String name : AFTER)
        {
            if (name.equals(column))
            {
                return true;
            }
        }
        return false;
    }

    String[] columns()
    {
        return columns;
    }

    /**
     * Writes the columns' values for a snapshot of the counters.
     *
     * @param stats read between ticks.
     * @param row   to write into.
     * @param from  index of the first engine column in the row.
     */
    void values(final Stats stats, final double[] row, final int from)
    {
        int i = from;
        row[i++] = stats.alive();
        row[i++] = stats.spawned();
        row[i++] = stats.deaths();
        final Map<String, Long> byReason = stats.deathsByReason();
        for (final String reason : reasons)
        {
            final Long deaths = byReason.get(reason);
            row[i++] = null == deaths ? 0 : deaths;
        }
        row[i++] = stats.restarts();
        row[i++] = stats.escalations();
        row[i++] = stats.deadLetters();
        row[i++] = stats.delivered();
        row[i] = stats.updates();
    }
}
