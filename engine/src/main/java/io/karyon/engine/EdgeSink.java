package io.karyon.engine;

/**
 * Where an {@link EdgeGenerator} puts a cell's edges, one target handle at a time, in the order the cell will read
 * them with {@link CellContext#edge(int)}.
 * <p>
 * <b>Note:</b> valid only during the {@link EdgeGenerator#edges} call it was passed to, on that worker's thread.
 */
@FunctionalInterface
public interface EdgeSink
{
    /**
     * Appends an edge to the cell being generated.
     *
     * @param target handle of the cell the edge points to (any handle: it is not checked, and may go stale).
     */
    void add(long target);
}
