package io.karyon.model;

import io.karyon.engine.checkpoint.CheckpointPart;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint part "observations": what later rows and the summary depend on besides the organism and the matrix,
 * namely the ticker's counters (last tick observed and snapshot, observations so far, whether the stop condition
 * held), and how far {@code timeseries.csv} and {@code latency.csv} had got (bytes written and their CRC-32C, so a
 * resumed run cuts each back to that point, checks it is the same file, and appends), and the snapshots written.
 * <p>
 * <b>Note:</b> not threadsafe; between ticks, on the driver. Written from a live {@link Ticker}; read into fields.
 */
final class ObservationState implements CheckpointPart
{
    private static final int VERSION = 1;
    private static final int MAX_SNAPSHOTS = 10_000_000;

    private Ticker source;
    long lastObserved = -1;
    long lastSnapshot = -1;
    long observations;
    long observeNs;
    boolean stopped;
    long seriesBytes;
    int seriesCrc;
    long latencyBytes;
    int latencyCrc;
    List<String> snapshots = new ArrayList<>();

    /**
     * Has {@link #write(DataOutput)} save this ticker's state.
     */
    void source(final Ticker ticker)
    {
        this.source = ticker;
    }

    /**
     * {@inheritDoc}
     */
    public String name()
    {
        return Checkpointing.OBSERVATIONS;
    }

    /**
     * {@inheritDoc}
     */
    public void write(final DataOutput out) throws IOException
    {
        if (null != source)
        {
            source.save(this);  // also flushes the time series, so the files hold what the section says
        }
        out.writeInt(VERSION);
        out.writeLong(lastObserved);
        out.writeLong(lastSnapshot);
        out.writeLong(observations);
        out.writeLong(observeNs);
        out.writeBoolean(stopped);
        out.writeLong(seriesBytes);
        out.writeInt(seriesCrc);
        out.writeLong(latencyBytes);
        out.writeInt(latencyCrc);
        out.writeInt(snapshots.size());
        for (final String name : snapshots)
        {
            out.writeUTF(name);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void read(final DataInput in) throws IOException
    {
        final int version = in.readInt();
        if (VERSION != version)
        {
            throw new IOException("observations section version " + version + ", this karyon reads " + VERSION);
        }
        lastObserved = in.readLong();
        lastSnapshot = in.readLong();
        observations = in.readLong();
        observeNs = in.readLong();
        stopped = in.readBoolean();
        seriesBytes = in.readLong();
        seriesCrc = in.readInt();
        latencyBytes = in.readLong();
        latencyCrc = in.readInt();
        final int count = in.readInt();
        if (count < 0 || count > MAX_SNAPSHOTS || seriesBytes < 0 || latencyBytes < 0)
        {
            throw new IOException("observations section: out of range: snapshots=" + count + ", series bytes=" +
                seriesBytes + ", latency bytes=" + latencyBytes);
        }
        final List<String> names = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++)
        {
            names.add(in.readUTF());
        }
        snapshots = names;
    }
}
