/**
 * Where workers run: the CPU and NUMA topology read from sysfs and procfs (nodes, packages, cores and SMT siblings,
 * the affinity mask, the cgroup CPU quota), placement policies named after the Erlang VM's scheduler bind types
 * ({@code +sbt}) that turn a topology into one CPU per worker, and the native binding of threads and memory to those
 * CPUs and nodes. Nothing here knows of cells or workers beyond their count.
 */
package io.karyon.numa;
