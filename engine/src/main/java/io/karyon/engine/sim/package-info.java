/**
 * Built-in simulations: {@link io.karyon.engine.sim.Tissue}, the default of {@code karyon run}.
 */
package io.karyon.engine.sim;
