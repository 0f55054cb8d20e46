/**
 * The organism: behaviours, genotypes, messages and ticks over the off-heap cells of {@code io.karyon.engine.cell}.
 * {@link io.karyon.engine.Organism} is the facade; {@link io.karyon.engine.Context} holds one organism's settings.
 */
package io.karyon.engine;
