/**
 * The matrix: the state cells leave for others to find (concentrations of substances on the sites of a grid), kept
 * off-heap in a Chronicle Map from site id to a fixed record of doubles, in memory or in a file that other processes
 * can open at the same time. Deposits are buffered per worker and applied once per tick, in a deterministic order,
 * together with decay and diffusion; free-running code writes directly under the segment locks.
 * <p>
 * {@link io.karyon.matrix.Matrix} is the facade, with {@link io.karyon.matrix.MatrixConfiguration},
 * {@link io.karyon.matrix.MatrixWriter}, the file layout, {@link io.karyon.matrix.MatrixDescriptor}, and
 * {@link io.karyon.matrix.MatrixShards}, what a sharded run's exchange trades. Behind it, one
 * package-private class per mechanism: {@code MatrixFile} (create, open, recover, check the layout),
 * {@code RecordScanner} (a file opened read-only: its records found and verified in a read-only mapping, without
 * Chronicle), {@code FileUsers} (who else has a file open, before recovery), {@code SiteRecords} (the walk over
 * Chronicle's segments, then records read and written by address under the segment locks, each with its checksum),
 * {@code DepositMerger} (one part's deposits in their deterministic order), {@code DiffusionKernel} (a dynamic tick's
 * decay and diffusion over a part's range of sites), {@code FlatCopy} (the dense copy of every value that ticks and
 * reads use), {@code PartFrames} (the frames shards trade) and {@code ShardWindow} (the sites a shard holds when a
 * reach is declared).
 */
package io.karyon.matrix;
