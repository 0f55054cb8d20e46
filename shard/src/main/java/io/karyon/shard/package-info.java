/**
 * One simulation sharded over processes: {@link io.karyon.shard.AeronShardLink} carries the blocks a shard's workers
 * queue for another shard's at each tick's barrier over Aeron (IPC on one host, UDP between hosts, an embedded media
 * driver), {@link io.karyon.shard.ShardRun} runs one shard's part of a model's run, and
 * {@link io.karyon.shard.ShardLauncher} starts the shards of a run on this host ({@code karyon run --shards N}).
 */
package io.karyon.shard;
