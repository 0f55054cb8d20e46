package io.karyon.model;

import io.karyon.engine.checkpoint.CheckpointHeader;
import io.karyon.engine.checkpoint.CheckpointPart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where one shard of a sharded run writes its part of each of the run's checkpoints, and how the set is completed:
 * the run writes the part ({@link io.karyon.engine.checkpoint.Checkpoints#write}, with the run's own parts and these)
 * at the same ticks on every shard, then hands it over here (shard 0 writes the set's manifest once every part is
 * written, and removes old sets). Given by the {@code shard} module through {@link ModelRun.Builder#checkpointSet}.
 * <p>
 * <b>Note:</b> called on the driver thread, between ticks, at the same point on every shard.
 */
public interface CheckpointSet
{
    /**
     * This shard's part of the checkpoint of a tick; its folder is made if missing.
     *
     * @param tick ticks completed.
     * @return the file to write.
     */
    Path file(long tick);

    /**
     * Sections this shard's part holds beyond the run's own (the shard's identity), each with a unique name; a resumed
     * run reads them back and the set checks them.
     *
     * @return the parts.
     */
    List<CheckpointPart> parts();

    /**
     * This shard's part of a tick is written: completes the set (shard 0: once every part is, the manifest; then
     * removes old sets).
     *
     * @param tick   ticks completed.
     * @param file   the part written.
     * @param header as written.
     * @throws IOException if the set cannot be completed.
     */
    void written(long tick, Path file, CheckpointHeader header) throws IOException;
}
