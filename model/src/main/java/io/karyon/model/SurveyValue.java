package io.karyon.model;

import io.karyon.engine.cell.CellFlyweight;

/**
 * A model's own value over every live cell, for what a sum, min or max of a {@link CellReduction} cannot say (how
 * many founder lineages have a live cell, a mean): a timeseries column ({@link Observations#value(String,
 * SurveyValue)}) or a summary value ({@link Setup#summary(String, SurveyValue)}). The cells are added into a
 * <b>partial</b> of a few long words and a few double words, partials are merged word by word by a named operation
 * in a fixed order, and the merged words are finished into one double. The framework walks the cells and, in a
 * sharded run, gathers the partials on shard 0, so the value is the same, bit for bit, for any number of workers and
 * shards:
 * <ul>
 *   <li><b>Long words</b> merge exactly ({@link Merge#SUM} wraps, {@link Merge#OR}, {@link Merge#MIN},
 *   {@link Merge#MAX}): the order of merging cannot change them, so there is one partial per class of families
 *   (a set of families one worker owns), merged over the classes, then over the shards.</li>
 *   <li><b>Double words</b> ({@link Merge#SUM}, {@link Merge#MIN}, {@link Merge#MAX}; not OR) have one partial per
 *   family, each family's cells added in slot order, merged in family order, as {@link CellReduction}'s are.</li>
 * </ul>
 * Long words suit bitmaps and counts; a class of families (up to 64 of them) keeps its own, so a bitmap of a million
 * founders (15,625 words) takes 8 MB, cleared and merged at each observed row. Keep the double words few, as each
 * family carries its own. A value that needs neither a bitmap nor a finish is a plain
 * {@link CellReduction}.
 * <p>
 * <b>Note:</b> {@link #accumulate} is called from several worker threads at once, each with partials of its own:
 * keep it stateless. {@link #finish} is the driver's.
 */
public interface SurveyValue
{
    /**
     * How a word of the partials merges, and what a fresh partial starts at.
     */
    enum Merge
    {
        /** Added; starts at 0. Long words wrap on overflow, so any order gives the same sum. */
        SUM,
        /** Bitwise or, long words only; starts at 0. */
        OR,
        /** The smallest; starts at {@code Long.MAX_VALUE} or +infinity. */
        MIN,
        /** The largest; starts at {@code Long.MIN_VALUE} or -infinity. */
        MAX
    }

    /**
     * How each long word of a partial merges, in word order; none: an empty array.
     *
     * @return merges of the long words.
     */
    Merge[] longs();

    /**
     * How each double word of a partial merges, in word order ({@link Merge#OR} is refused); none: an empty array.
     *
     * @return merges of the double words.
     */
    Merge[] doubles();

    /**
     * Adds one live cell to a partial.
     *
     * @param cell    a live cell, read-only; valid only during the call.
     * @param longs   the long words, started as {@link #longs()} say; shared by the cells of one class of families.
     * @param doubles the double words, started as {@link #doubles()} say; the cell's family's own.
     */
    void accumulate(CellFlyweight cell, long[] longs, double[] doubles);

    /**
     * The value of the merged words (a bit count, a sum over a count).
     *
     * @param longs   merged over every cell of the run; read-only.
     * @param doubles merged over every cell of the run; read-only.
     * @return the column's or summary's value; NaN when there is none (a mean of no cells).
     */
    double finish(long[] longs, double[] doubles);
}
