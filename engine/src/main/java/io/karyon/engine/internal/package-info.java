/**
 * The engine's internals, not API: the off-heap arena of cell slots ({@link io.karyon.engine.internal.Arena}) and
 * the layout of its chunks ({@link io.karyon.engine.internal.ArenaDescriptor}). They are public only because the
 * engine's own packages use them; a model reaches cells through {@link io.karyon.engine.Organism},
 * {@link io.karyon.engine.CellContext} and {@link io.karyon.engine.cell.CellFlyweight}, and this package may change
 * in any release.
 */
package io.karyon.engine.internal;
