/**
 * The workload suite (W1-W7 of the project's WORKLOADS.md) and the {@code karyon} command line that runs it.
 */
package io.karyon.perf;
