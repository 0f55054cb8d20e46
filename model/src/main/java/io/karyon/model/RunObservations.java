package io.karyon.model;

import io.karyon.engine.cell.CellLayout;
import io.karyon.matrix.Matrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * What a model declared through {@link Setup#observe()}: the columns in order and the snapshots. Checks names as
 * they are declared; {@link Observer} turns the declarations into a pass over the cells once the set-up is done.
 * <p>
 * <b>Note:</b> not threadsafe; the driver declares during set-up.
 */
final class RunObservations implements Observations
{
    /** Kinds of declared columns. */
    enum Kind
    {
        COUNT, FIELD, HISTOGRAM, REDUCTION, GROUP, MATRIX, VALUE, SURVEY
    }

    /**
     * One declaration: its columns, and what computes them.
     */
    static final class Item
    {
        final Kind kind;
        final String[] columns;
        final String[] behaviours;
        CellLayout.Field field;
        double lo;
        double hi;
        int bins;
        CellReduction reduction;
        int group;
        Matrix matrix;
        int substance;
        DoubleSupplier value;
        SurveyValue survey;

        Item(final Kind kind, final String[] columns, final String... behaviours)
        {
            this.kind = kind;
            this.columns = columns;
            this.behaviours = behaviours;
        }
    }

    /**
     * A matrix substance to snapshot.
     */
    record MatrixSnapshot(String name, Matrix matrix, int substance)
    {
    }

    private final List<Item> items = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<CellLayout.Field> snapshotFields = new ArrayList<>();
    private final List<MatrixSnapshot> matrixSnapshots = new ArrayList<>();
    private boolean closed;

    List<Item> items()
    {
        return items;
    }

    List<CellLayout.Field> snapshotFields()
    {
        return snapshotFields;
    }

    List<MatrixSnapshot> matrixSnapshots()
    {
        return matrixSnapshots;
    }

    /**
     * No more declarations: the run has started.
     */
    void close()
    {
        closed = true;
    }

    /**
     * {@inheritDoc}
     */
    public Observations count(final String column, final String behaviour)
    {
        Objects.requireNonNull(behaviour, "behaviour");
        return add(new Item(Kind.COUNT, new String[]{ column }, behaviour));
    }

    /**
     * {@inheritDoc}
     */
    public Observations field(
        final String prefix, final CellLayout layout, final String field, final String... behaviours)
    {
        final Item item = new Item(Kind.FIELD,
            new String[]{ prefix + "_sum", prefix + "_mean", prefix + "_min", prefix + "_max" }, behaviours);
        item.field = scalar(layout, field);
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations histogram(
        final String prefix,
        final CellLayout layout,
        final String field,
        final double lo,
        final double hi,
        final int bins,
        final String... behaviours)
    {
        if (bins < 1 || bins > 1000)
        {
            throw new IllegalArgumentException("histogram " + prefix + ": bins must be in 1..1000: bins=" + bins);
        }
        if (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi))
        {
            throw new IllegalArgumentException(
                "histogram " + prefix + ": need finite lo < hi: lo=" + lo + ", hi=" + hi);
        }
        final String[] columns = new String[bins];
        for (int i = 0; i < bins; i++)
        {
            columns[i] = prefix + "_" + i;
        }
        final Item item = new Item(Kind.HISTOGRAM, columns, behaviours);
        item.field = scalar(layout, field);
        item.lo = lo;
        item.hi = hi;
        item.bins = bins;
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations groupSize(final String column, final int group)
    {
        final Item item = new Item(Kind.GROUP, new String[]{ column });
        item.group = group;
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations matrixTotal(final String column, final Matrix matrix, final int substance)
    {
        checkSubstance(column, matrix, substance);
        final Item item = new Item(Kind.MATRIX, new String[]{ column });
        item.matrix = matrix;
        item.substance = substance;
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations value(final String column, final DoubleSupplier value)
    {
        final Item item = new Item(Kind.VALUE, new String[]{ column });
        item.value = Objects.requireNonNull(value, "value");
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations value(final String column, final SurveyValue value)
    {
        final Item item = new Item(Kind.SURVEY, new String[]{ column });
        item.survey = Objects.requireNonNull(value, "value");
        new SurveyPass(item.columns, new SurveyValue[]{ value });  // its merges checked now, naming the column
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations reduce(final CellReduction reduction)
    {
        final String[] columns = reduction.columns().clone();
        final CellReduction.Merge[] merges = reduction.merges();
        if (null == merges || merges.length != columns.length)
        {
            throw new IllegalArgumentException("reduction " + reduction.getClass().getName() + ": " +
                columns.length + " columns but " + (null == merges ? 0 : merges.length) + " merges");
        }
        final Item item = new Item(Kind.REDUCTION, columns);
        item.reduction = reduction;
        return add(item);
    }

    /**
     * {@inheritDoc}
     */
    public Observations snapshotFields(final CellLayout layout, final String... fields)
    {
        checkOpen();
        for (final String name : fields)
        {
            final CellLayout.Field field = layout.field(name);
            for (final CellLayout.Field known : snapshotFields)
            {
                if (known.name().equals(name))
                {
                    throw new IllegalArgumentException("snapshot field declared twice: " + name);
                }
            }
            snapshotFields.add(field);
        }
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public Observations snapshotMatrix(final String name, final Matrix matrix, final int substance)
    {
        checkOpen();
        if (null == name || !name.matches("[a-z0-9][a-z0-9_-]*") || "cells".equals(name))
        {
            throw new IllegalArgumentException("snapshot name must be lower case letters, digits, '-' and '_', " +
                "not 'cells': '" + name + "'");
        }
        for (final MatrixSnapshot s : matrixSnapshots)
        {
            if (s.name().equals(name))
            {
                throw new IllegalArgumentException("snapshot declared twice: " + name);
            }
        }
        checkSubstance(name, matrix, substance);
        matrixSnapshots.add(new MatrixSnapshot(name, matrix, substance));
        return this;
    }

    private Observations add(final Item item)
    {
        checkOpen();
        for (final String column : item.columns)
        {
            if (null == column || !column.matches("[A-Za-z][A-Za-z0-9_.-]*"))
            {
                throw new IllegalArgumentException("column name must be a letter then letters, digits, '_', '.' " +
                    "or '-': '" + column + "'");
            }
            if ("tick".equals(column) || EngineColumns.isReserved(column))
            {
                throw new IllegalArgumentException("column name is the engine's: " + column);
            }
        }
        for (final String column : item.columns)
        {
            if (!names.add(column))
            {
                throw new IllegalArgumentException("column declared twice: " + column);
            }
        }
        items.add(item);
        return this;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("observations are declared during set-up only");
        }
    }

    private static CellLayout.Field scalar(final CellLayout layout, final String name)
    {
        final CellLayout.Field field = layout.field(name);
        if (1 != field.length())
        {
            throw new IllegalArgumentException("field " + name + " is an array of " + field.length() +
                ": observe a scalar field");
        }
        return field;
    }

    private static void checkSubstance(final String what, final Matrix matrix, final int substance)
    {
        Objects.requireNonNull(matrix, "matrix");
        if (substance < 0 || substance >= matrix.substances())
        {
            throw new IllegalArgumentException(what + ": substance must be in 0.." + (matrix.substances() - 1) +
                ": substance=" + substance);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        final List<String> columns = new ArrayList<>();
        for (final Item item : items)
        {
            columns.addAll(Arrays.asList(item.columns));
        }
        return "Observations" + columns;
    }
}
