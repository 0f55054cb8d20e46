/**
 * The workload suite (W1-W7 of the project's WORKLOADS.md) and {@code karyon bench}, which runs it: perf's jar is the
 * {@code karyon} command of {@code io.karyon.cli} with {@code bench} added ({@link io.karyon.perf.KaryonBench}).
 */
package io.karyon.perf;
