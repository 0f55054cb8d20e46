/**
 * The matrix: the state cells leave for others to find (concentrations of substances on the sites of a grid), kept
 * off-heap in a Chronicle Map from site id to a fixed record of doubles, in memory or in a file that other processes
 * can open at the same time. Deposits are buffered per worker and applied once per tick, in a deterministic order,
 * together with decay and diffusion; free-running code writes directly under the segment locks.
 */
package io.karyon.matrix;
