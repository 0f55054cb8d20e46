/**
 * Peers of {@code karyon bench --peers}: the same workloads on plain JVM objects ({@code jvm-objects}: one object per
 * cell with a {@code ConcurrentLinkedQueue} mailbox, driven by a {@code ForkJoinPool}) and on Apache Pekko typed
 * actors ({@code pekko}: one actor per cell), each checked as Karyon's runs are. W6 has no cells: its
 * {@code jvm-objects} peer is the {@code ConcurrentHashMap} a plain-JVM program keeps its sites in, and its
 * {@code pekko} peer keeps them in store actors that writer actors ask.
 * <p>
 * A workload's peer part is one class ({@code W2Peer}) holding the measured loop and the self-checks, and one
 * small driver per engine ({@code JvmRing}, {@code PekkoRing}) that only sets up cells and sends messages; {@link
 * io.karyon.perf.peers.Peers} lists them. The engine itself never depends on anything here.
 */
package io.karyon.perf.peers;
