package io.karyon.model;

import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;

import java.util.function.DoubleSupplier;

/**
 * What a run observes every K ticks ({@code --every K}): columns of {@code timeseries.csv}, and snapshots (cells'
 * fields as CSV, a matrix substance as CSV and a PNG heatmap). Cell reductions are computed by each worker over its
 * own cells, one accumulator per family, merged in family order: the same numbers, bit for bit, for any number of
 * workers. No Java object is made per cell.
 * <p>
 * The engine's own columns follow the model's: live cells, deaths by reason, restarts, dead letters and tick latency.
 */
public interface Observations
{
    /**
     * A column counting the live cells whose behaviour is the one named.
     *
     * @param column    name of the column.
     * @param behaviour as registered with {@link io.karyon.engine.Organism#registerBehaviour}.
     * @return this.
     */
    Observations count(String column, String behaviour);

    /**
     * Columns {@code PREFIX_sum}, {@code PREFIX_mean}, {@code PREFIX_min}, {@code PREFIX_max} of a state field
     * ({@code double}, {@code long}, {@code int} or {@code byte}) over the live cells of some behaviours.
     *
     * @param prefix     of the columns.
     * @param layout     the cells' layout.
     * @param field      name in the layout.
     * @param behaviours whose cells count; none: every live cell.
     * @return this.
     */
    Observations field(String prefix, CellLayout layout, String field, String... behaviours);

    /**
     * Columns {@code PREFIX_0} to {@code PREFIX_(bins-1)}: how many live cells (of some behaviours) have a field's
     * value in each of {@code bins} equal bins over [lo, hi); values outside go to the first or the last bin.
     *
     * @param prefix     of the columns.
     * @param layout     the cells' layout.
     * @param field      name in the layout.
     * @param lo         low end of the first bin.
     * @param hi         high end of the last bin.
     * @param bins       number of bins, 1 to 1000.
     * @param behaviours whose cells count; none: every live cell.
     * @return this.
     */
    Observations histogram(
        String prefix, CellLayout layout, String field, double lo, double hi, int bins, String... behaviours);

    /**
     * A column with the size of a group.
     *
     * @param column name of the column.
     * @param group  id from {@link io.karyon.engine.OrganismGroups#id(String)}.
     * @return this.
     */
    Observations groupSize(String column, int group);

    /**
     * A column with the total of a matrix substance over every site.
     *
     * @param column    name of the column.
     * @param matrix    the run's matrix.
     * @param substance index.
     * @return this.
     */
    Observations matrixTotal(String column, Matrix matrix, int substance);

    /**
     * A column read on the driver between ticks: a value the model keeps itself.
     *
     * @param column name of the column.
     * @param value  read at each observed tick; must depend only on the run, not on the number of workers.
     * @return this.
     */
    Observations value(String column, DoubleSupplier value);

    /**
     * A column of the model's own value over every live cell, from partials merged in a fixed order and finished
     * (see {@link SurveyValue}): the same bits for any number of workers and, gathered by shard 0, of shards. The
     * way to observe what a {@link DoubleSupplier} would compute with {@link io.karyon.engine.Organism#survey}, which a
     * sharded run refuses from the driver (each shard holds only its own families).
     *
     * @param column name of the column.
     * @param value  its partials and finish.
     * @return this.
     */
    Observations value(String column, SurveyValue value);

    /**
     * The model's own reduction over cells.
     *
     * @param reduction adds its columns.
     * @return this.
     */
    Observations reduce(CellReduction reduction);

    /**
     * Cells' fields in snapshots: {@code snapshots/cells-<tick>.csv}, one row per live cell of some behaviours,
     * columns {@code handle,behaviour} and the fields, in slot order.
     *
     * @param layout     the cells' layout.
     * @param fields     names in the layout.
     * @return this.
     */
    Observations snapshotFields(CellLayout layout, String... fields);

    /**
     * A matrix substance in snapshots: {@code snapshots/NAME-<tick>.csv} and a heatmap {@code NAME-<tick>.png}
     * (a 2-D matrix; the first two axes of a larger one, summed over the others).
     *
     * @param name      of the files.
     * @param matrix    the run's matrix.
     * @param substance index.
     * @return this.
     */
    Observations snapshotMatrix(String name, Matrix matrix, int substance);
}
