/**
 * Checkpoints: an organism's whole state at a tick boundary, in one {@code .kcp} file of checksummed sections, and
 * its restore into a freshly set-up organism on any worker count. {@link io.karyon.engine.checkpoint.Checkpoints} is
 * the facade; a layer above the engine adds sections of its own through
 * {@link io.karyon.engine.checkpoint.CheckpointPart}. A file is written to a temporary name, synced and renamed, so a
 * crash while writing leaves the previous checkpoint intact; every section's CRC32C is verified before anything is
 * changed, and a refused file throws a {@link io.karyon.engine.checkpoint.CheckpointException} whose message is one
 * line naming the file and the first bad thing.
 */
package io.karyon.engine.checkpoint;
