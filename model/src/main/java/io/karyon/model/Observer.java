package io.karyon.model;

import io.karyon.engine.ConfigurationException;
import io.karyon.engine.Organism;
import io.karyon.engine.Stats;
import io.karyon.engine.WorkerJob;
import io.karyon.engine.cell.CellLayout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The declared observations bound to a launched organism: the columns of {@code timeseries.csv} ({@code tick}, the
 * model's in the order declared, then the engine's) and how to fill a row of them between ticks.
 * <p>
 * <b>Note:</b> not threadsafe; the driver calls it between ticks. The cell walks and the matrix totals run on the
 * workers, each writing its own families' partials and its own totals' slots while the driver waits.
 */
final class Observer
{
    private final Organism organism;
    private final List<RunObservations.Item> items;
    private final int[] firstColumn;
    private final int[] cellItem;
    private final short[] counted;
    private final CellPass pass;
    private final SurveyPass values;
    private final int[] surveyIndex;
    private final double[][] merged;
    private final EngineColumns engine;
    private final String[] columns;
    private final int engineFrom;
    private final ShardGather shard;
    private final int[] matrixItems;
    private final double[] matrixTotals;
    private final WorkerJob totals;
    private final Walk walk;
    private volatile boolean totalsRefused;
    private Stats stats;

    /**
     * Binds declarations to an organism whose set-up is done.
     *
     * @throws IllegalArgumentException naming a behaviour no cell can have.
     */
    Observer(final RunObservations declared, final Organism organism)
    {
        this.organism = organism;
        this.items = declared.items();
        final String[] behaviourNames = organism.behaviourNames();
        final List<String> names = new ArrayList<>();
        names.add("tick");
        firstColumn = new int[items.size()];
        cellItem = new int[items.size()];
        counted = new short[items.size()];
        final int[] kinds = new int[items.size()];
        final boolean[][] masks = new boolean[items.size()][];
        final CellLayout.Field[] fields = new CellLayout.Field[items.size()];
        final double[][] histograms = new double[items.size()][];
        final CellReduction[] reductions = new CellReduction[items.size()];
        final List<String> surveyNames = new ArrayList<>();
        final List<SurveyValue> surveyValues = new ArrayList<>();
        surveyIndex = new int[items.size()];
        int cells = 0;
        for (int i = 0; i < items.size(); i++)
        {
            final RunObservations.Item item = items.get(i);
            firstColumn[i] = names.size();
            names.addAll(Arrays.asList(item.columns));
            cellItem[i] = -1;
            surveyIndex[i] = surveyValues.size();
            if (RunObservations.Kind.SURVEY == item.kind)
            {
                surveyNames.add(item.columns[0]);
                surveyValues.add(item.survey);
            }
            if (RunObservations.Kind.COUNT == item.kind)
            {
                counted[i] = behaviourId(item, behaviourNames);
            }
            final int kind = cellKind(item.kind);
            if (kind >= 0)
            {
                cellItem[i] = cells;
                kinds[cells] = kind;
                masks[cells] = mask(item, behaviourNames);
                fields[cells] = item.field;
                histograms[cells] = new double[]{ item.lo, item.hi, item.bins };
                reductions[cells] = item.reduction;
                cells++;
            }
        }
        pass = new CellPass(Arrays.copyOf(kinds, cells), Arrays.copyOf(masks, cells), behaviourNames.length,
            Arrays.copyOf(fields, cells), Arrays.copyOf(histograms, cells), Arrays.copyOf(reductions, cells));
        merged = new double[cells][];
        for (int c = 0; c < cells; c++)
        {
            merged[c] = new double[pass.width(c)];
        }
        engine = new EngineColumns(organism);
        values = new SurveyPass(surveyNames.toArray(new String[0]), surveyValues.toArray(new SurveyValue[0]));
        shard = null == organism.workers().shard() ? null : new ShardGather(organism, pass, values, groups(items));
        engineFrom = names.size();
        names.addAll(Arrays.asList(engine.columns()));
        columns = names.toArray(new String[0]);
        matrixItems = IntStream.range(0, items.size())
            .filter((i) -> RunObservations.Kind.MATRIX == items.get(i).kind).toArray();
        matrixTotals = new double[items.size()];
        totals = this::totals;
        walk = new Walk();
    }

    /**
     * The group of each group-size column, in column order.
     */
    private static int[] groups(final List<RunObservations.Item> items)
    {
        return items.stream().filter((item) -> RunObservations.Kind.GROUP == item.kind).mapToInt((item) -> item.group)
            .toArray();
    }

    /**
     * In a sharded run, what gathers the observations on shard 0; null in one process.
     */
    ShardGather shard()
    {
        return shard;
    }

    private static int cellKind(final RunObservations.Kind kind)
    {
        switch (kind)
        {
            case FIELD:
                return CellPass.FIELD;
            case HISTOGRAM:
                return CellPass.HISTOGRAM;
            case REDUCTION:
                return CellPass.REDUCTION;
            default:
                return -1;
        }
    }

    private static boolean[] mask(final RunObservations.Item item, final String[] behaviourNames)
    {
        if (0 == item.behaviours.length)
        {
            return null;
        }
        final boolean[] mask = new boolean[behaviourNames.length];
        for (final String name : item.behaviours)
        {
            mask[id(item, name, behaviourNames)] = true;
        }
        return mask;
    }

    private static short behaviourId(final RunObservations.Item item, final String[] behaviourNames)
    {
        return (short)id(item, item.behaviours[0], behaviourNames);
    }

    private static int id(final RunObservations.Item item, final String name, final String[] behaviourNames)
    {
        final int id = Arrays.asList(behaviourNames).indexOf(name);
        if (id < 0)
        {
            throw new IllegalArgumentException("column " + item.columns[0] + ": unknown behaviour '" + name +
                "'; registered: " + (0 == behaviourNames.length ? "none" : String.join(", ", behaviourNames)));
        }
        return id;
    }

    /**
     * Every column, {@code tick} first.
     */
    String[] columns()
    {
        return columns;
    }

    /**
     * The engine's columns, the last ones.
     */
    String[] engineColumns()
    {
        return engine.columns();
    }

    /**
     * The counters read by the latest {@link #observe}.
     */
    Stats stats()
    {
        return stats;
    }

    /**
     * Fills a row with the state between ticks; in a sharded run, on shard 0, from what {@link #shard()} gathered
     * after this tick.
     *
     * @param tick ticks completed.
     * @param row  one value per column; a column with nothing to show (a mean over no cells) gets NaN.
     */
    void observe(final long tick, final double[] row)
    {
        boolean totalled = false;
        if (null == shard && !walk.isEmpty())
        {
            // One walk for both passes, and each worker's share of the matrix totals in the same hand-off: the
            // workers are woken once, not three times, and read the cells once, not twice.
            totalsRefused = false;
            walk.walk(organism);
            totalled = !totalsRefused;
        }
        if (!pass.isEmpty())
        {
            final int families = null == shard ? organism.familyCount() : shard.families();
            for (int c = 0; c < merged.length; c++)
            {
                pass.merge(c, families, merged[c]);
            }
        }
        if (!values.isEmpty())
        {
            values.finish();  // on shard 0, over every shard's parts, as gathered
        }
        if (!totalled)
        {
            total();
        }
        row[0] = tick;
        for (int i = 0, group = 0; i < items.size(); i++)
        {
            if (null != shard && RunObservations.Kind.GROUP == items.get(i).kind)
            {
                row[firstColumn[i]] = shard.groupSize(group++);
                continue;
            }
            fill(i, items.get(i), cellItem[i] < 0 ? null : merged[cellItem[i]], row, firstColumn[i]);
        }
        stats = organism.stats();
        engine.values(stats, row, engineFrom);
    }

    private void fill(
        final int index, final RunObservations.Item item, final double[] cells, final double[] row, final int at)
    {
        switch (item.kind)
        {
            case COUNT:
                row[at] = organism.countOf(counted[index]);
                break;
            case FIELD:
                row[at] = cells[0];
                row[at + 1] = cells[1] > 0 ? cells[0] / cells[1] : Double.NaN;
                row[at + 2] = finite(cells[2]);
                row[at + 3] = finite(cells[3]);
                break;
            case HISTOGRAM:
                System.arraycopy(cells, 0, row, at, cells.length);
                break;
            case REDUCTION:
                for (int j = 0; j < cells.length; j++)
                {
                    row[at + j] = finite(cells[j]);
                }
                break;
            case GROUP:
                row[at] = organism.groups().size(item.group);
                break;
            case MATRIX:
                row[at] = matrixTotals[index];
                break;
            case SURVEY:
                row[at] = values.result(surveyIndex[index]);
                break;
            default:
                row[at] = value(item);
        }
    }

    /**
     * A {@code value} column: the model's supplier, read on the driver. In a sharded run a survey it makes is
     * refused by the engine (it would see only this shard's cells): refused here naming the column and what to use.
     */
    private double value(final RunObservations.Item item)
    {
        try
        {
            return item.value.getAsDouble();
        }
        catch (final ConfigurationException ex)
        {
            if (null == shard)
            {
                throw ex;
            }
            throw ShardRuns.ungathered("column " + item.columns[0], ex);
        }
    }

    /**
     * On a shard other than 0, where the run observes: reads the model's {@code value} columns as shard 0 does, and
     * drops them, so that a survey one of them makes is refused on every shard alike rather than on shard 0 alone
     * (the others would wait for it until the link's timeout).
     */
    void probe()
    {
        for (final RunObservations.Item item : items)
        {
            if (RunObservations.Kind.VALUE == item.kind)
            {
                value(item);
            }
        }
    }

    private static double finite(final double value)
    {
        return Double.isInfinite(value) ? Double.NaN : value;
    }

    /**
     * The matrix totals without a walk of the cells: one per worker at once where there are several of each, else
     * all on the driver.
     */
    private void total()
    {
        if (matrixItems.length > 1 && organism.workerCount() > 1 && null == shard)
        {
            // Each total is one sum in site order, which no thread can split without changing its bits; but
            // different totals can run at once, one per worker, while the driver would otherwise do them one by one.
            try
            {
                organism.onWorkers(totals);
            }
            catch (final RuntimeException ex)
            {
                // Workers gone (a failed run's last row) or a total refused: the driver's pass, as before this
                // parallel one, gives the row or the refusal itself.
                totals(0, 1);
            }
        }
        else
        {
            totals(0, 1);
        }
    }

    /**
     * The matrix totals a worker computes, items k, k + workers, ... of the matrix items (all with one).
     */
    private void totals(final int worker, final int workers)
    {
        for (int k = worker; k < matrixItems.length; k += workers)
        {
            matrixTotals[matrixItems[k]] = total(items.get(matrixItems[k]));
        }
    }

    /**
     * Both cell passes in one visit; after a worker's walk, its share of the matrix totals (items k, k + workers, ...:
     * each total still one sum in site order, computed by one thread). A total that throws leaves the totals to the
     * driver, whose pass gives the row or the refusal itself.
     */
    private final class Walk extends ObservationWalk
    {
        Walk()
        {
            super(pass, values);
        }

        @Override
        public void walked(final int worker, final int workers)
        {
            try
            {
                totals(worker, workers);
            }
            catch (final RuntimeException ex)
            {
                totalsRefused = true;
            }
        }
    }

    private static double total(final RunObservations.Item item)
    {
        // Site order from 0.0, as a loop of read() would add them: the same bits, in one pass over the flat copy.
        return item.matrix.total(item.substance);
    }
}
