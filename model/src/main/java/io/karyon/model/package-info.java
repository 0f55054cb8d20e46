/**
 * The model API: what a user writes to have {@code karyon run} (or their own program) run their simulation.
 * A {@link io.karyon.model.Model} names itself, declares its {@link io.karyon.model.Parameter}s, and sets a run up
 * through a {@link io.karyon.model.Setup}: behaviours, genotypes, the population, matrix substances, groups,
 * supervisors, what is observed ({@link io.karyon.model.Observations}) and when to stop. Models are found with
 * {@link java.util.ServiceLoader}: list the class in {@code META-INF/services/io.karyon.model.Model}.
 */
package io.karyon.model;
