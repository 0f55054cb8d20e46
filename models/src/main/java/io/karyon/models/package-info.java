/**
 * The built-in models: {@code sir} (an epidemic on a random contact network), {@code tissue} (cells on a lattice of
 * nutrient, the default of {@code karyon run}) and {@code ring} (the engine's old demonstration ring). Each is a
 * {@link io.karyon.model.Model} written against the public API only, listed in
 * {@code META-INF/services/io.karyon.model.Model} and found with {@link java.util.ServiceLoader} as a user's model is.
 */
package io.karyon.models;
