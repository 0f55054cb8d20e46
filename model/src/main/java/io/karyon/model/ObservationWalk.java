package io.karyon.model;

import io.karyon.engine.CellSurvey;
import io.karyon.engine.Organism;
import io.karyon.engine.cell.CellFlyweight;

/**
 * An observation's two cell passes, the fields and reductions ({@link CellPass}) and the survey values
 * ({@link SurveyPass}), in one walk of the cells: each pass keeps its own partials per family, the same bits as a walk
 * of its own, but the workers are woken once and read each cell once. One process's {@link Observer} walks with it,
 * and so does each shard's {@link ShardGather} over the shard's own families.
 * <p>
 * <b>Note:</b> not threadsafe; the driver's, between ticks. The visits run on the workers, each over its own families.
 */
class ObservationWalk implements CellSurvey
{
    private final CellPass pass;
    private final SurveyPass values;
    private final boolean cells;
    private final boolean surveyed;

    /**
     * @param pass   the fields and reductions.
     * @param values the survey values.
     */
    ObservationWalk(final CellPass pass, final SurveyPass values)
    {
        this.pass = pass;
        this.values = values;
        this.cells = !pass.isEmpty();
        this.surveyed = !values.isEmpty();
    }

    /**
     * Whether neither pass has anything to read from the cells (no walk is needed).
     */
    boolean isEmpty()
    {
        return !cells && !surveyed;
    }

    /**
     * Readies both passes' partials, walks the cells once, and ends the survey values' walk.
     *
     * @param organism whose cells (in a sharded run: this shard's families) to walk.
     * @return the families walked: the organism's family count when the walk began.
     */
    int walk(final Organism organism)
    {
        final int families = organism.familyCount();
        if (cells)
        {
            pass.reset(families);
        }
        if (surveyed)
        {
            values.begin(families);
        }
        organism.survey(this);
        if (surveyed)
        {
            values.end();
        }
        return families;
    }

    /**
     * Both passes' visit of one cell.
     */
    public void visit(final int family, final CellFlyweight cell)
    {
        if (cells)
        {
            pass.visit(family, cell);
        }
        if (surveyed)
        {
            values.visit(family, cell);
        }
    }
}
