package io.karyon.shard;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.karyon.engine.internal.ShardLink;
import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The link between the shards of a run over Aeron: an exclusive publication to every other shard and a subscription
 * from each, on IPC (shards on one host, sharing one embedded media driver) or UDP (each shard its own embedded
 * driver, listening on its own endpoint). Stream {@code STREAM_BASE + from * MAX_SHARDS + to} carries the blocks from
 * shard {@code from} to shard {@code to}, in order; a block is cut into pieces of at most {@link #PIECE_LENGTH} bytes,
 * each with a 4-byte header whose value is 1 on a block's last piece, and put back together on arrival.
 * <p>
 * <b>Note:</b> not threadsafe; one thread at a time (the engine's exchange during ticks, the driver between runs),
 * but {@link #fail(String)}, which any thread may call.
 */
public final class AeronShardLink implements ShardLink, AutoCloseable
{
    /** Most shards in one run. */
    public static final int MAX_SHARDS = 64;
    /** Stream id of the blocks from shard 0 to shard 0; the others follow. */
    public static final int STREAM_BASE = 0x4B00_0000;
    /** Longest piece a block is cut into, header included. */
    public static final int PIECE_LENGTH = 1 << 20;
    /**
     * How long the shards wait for each other to connect at the start, at least, unless
     * {@link ShardLauncher#CONNECT_TIMEOUT_PROP_NAME} says otherwise ({@link ShardJoin}).
     */
    public static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private static final String TERM = "term-length=8m";
    private static final int LAST = 1;
    /** A piece's header: the whole of an {@link #abort} (int exit code, int shard, the message in UTF-8). */
    private static final int ABORT = 2;
    /** Longest message an abort carries, in bytes. */
    private static final int ABORT_MESSAGE_LENGTH = 4096;
    /** How long an abort waits for a back-pressured publication, at most. */
    private static final long ABORT_OFFER_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int FRAGMENT_LIMIT = 64;
    /** How the exchange waits within a tick, and the embedded media driver idles: see {@link #waitStrategy()}. */
    static final long WAIT_SPINS = 10;
    static final long WAIT_YIELDS = 2_000;
    static final long WAIT_MIN_PARK_NS = 1_000;
    static final long WAIT_MAX_PARK_NS = 50_000;

    private final int shard;
    private final int shards;
    private final long timeoutNs;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication[] publications;
    private final Subscription[] subscriptions;
    private final ControlledFragmentAssembler[] assemblers;
    private final ExpandableArrayBuffer[] blocks;
    private final int[] lengths;
    private final boolean[] complete;
    private final boolean[] returned;
    private final boolean[] abortedBy;
    private final UnsafeBuffer[] views;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[Integer.BYTES]);
    private final IdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 100_000);
    private final Path ownedDir;
    /** Every shard's {@code HOST:PORT} over UDP, by shard, to name a shard that did not join; null over IPC. */
    private final List<String> endpoints;
    private final Histogram roundTrips = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private volatile String failure;
    private ShardAborted aborted;
    private ParentWatch parent;
    private long bytesSent;
    private long blocksSent;
    private long lastRoundNs;
    private int roundPending;

    private AeronShardLink(final int shard, final int shards, final long timeoutNs, final MediaDriver driver,
        final String aeronDir, final Path ownedDir, final List<String> endpoints, final String[] sendChannels,
        final String[] receiveChannels)
    {
        this.shard = shard;
        this.endpoints = endpoints;
        this.shards = shards;
        this.timeoutNs = timeoutNs;
        this.driver = driver;
        this.ownedDir = ownedDir;
        this.publications = new ExclusivePublication[shards];
        this.subscriptions = new Subscription[shards];
        this.assemblers = new ControlledFragmentAssembler[shards];
        this.blocks = new ExpandableArrayBuffer[shards];
        this.lengths = new int[shards];
        this.complete = new boolean[shards];
        this.returned = new boolean[shards];
        this.abortedBy = new boolean[shards];
        this.views = new UnsafeBuffer[shards];
        Aeron client = null;
        try
        {
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
            for (int s = 0; s < shards; s++)
            {
                if (s == shard)
                {
                    continue;
                }
                publications[s] = client.addExclusivePublication(sendChannels[s], streamId(shard, s));
                subscriptions[s] = listen(client, receiveChannels[s], streamId(s, shard));
                blocks[s] = new ExpandableArrayBuffer(64 * 1024);
                views[s] = new UnsafeBuffer(0, 0);
                assemblers[s] = new ControlledFragmentAssembler(new Pieces(s));
            }
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(client);
            CloseHelper.quietClose(driver);
            throw ex;
        }
        this.aeron = client;
    }

    /**
     * Subscribes to a stream on this shard's channel; over UDP, a failure to listen on its endpoint is one line naming
     * it (the port taken, or an address not this host's: the wrong --shard for this host), not Aeron's.
     */
    private Subscription listen(final Aeron client, final String channel, final int streamId)
    {
        try
        {
            return client.addSubscription(channel, streamId);
        }
        catch (final RegistrationException ex)
        {
            if (null == endpoints)
            {
                throw ex;
            }
            throw ShardJoin.cannotListen(shard, shards, endpoints.get(shard), ex);
        }
    }

    /**
     * Joins a run on one host over IPC: shard 0 launches the embedded media driver in {@code aeronDir} (deleted at
     * close), the others use it.
     *
     * @param shard     this shard's index.
     * @param shards    how many.
     * @param aeronDir  the media driver's directory, under the run's temporary directory.
     * @param timeoutNs how long to wait for a peer's block.
     * @return the link, connected to every other shard.
     * @throws IllegalStateException naming a shard that did not connect in time.
     */
    public static AeronShardLink ipc(final int shard, final int shards, final Path aeronDir, final long timeoutNs)
    {
        return connect(open(shard, shards, aeronDir, timeoutNs));
    }

    /**
     * As {@link #ipc}, but not yet connected: the launcher can {@link #fail} it while it waits in
     * {@link #awaitConnected()}.
     */
    static AeronShardLink open(final int shard, final int shards, final Path aeronDir, final long timeoutNs)
    {
        check(shard, shards);
        final MediaDriver driver = 0 == shard ? launchDriver(aeronDir) : null;
        final String[] channels = new String[shards];
        Arrays.fill(channels, "aeron:ipc?" + TERM);
        return new AeronShardLink(shard, shards, timeoutNs, driver, aeronDir.toString(), 0 == shard ? aeronDir : null,
            null, channels, channels);
    }

    /**
     * Joins a run across hosts over UDP: this shard launches its own embedded media driver in {@code aeronDir}
     * (deleted at close) and listens on its endpoint in {@code endpoints}.
     *
     * @param shard     this shard's index.
     * @param endpoints every shard's {@code HOST:PORT}, by shard.
     * @param aeronDir  this shard's media driver directory.
     * @param timeoutNs how long to wait for a peer's block.
     * @return the link, connected to every other shard.
     * @throws IllegalStateException naming a shard that did not connect in time.
     */
    public static AeronShardLink udp(final int shard, final List<String> endpoints, final Path aeronDir,
        final long timeoutNs)
    {
        return connect(openUdp(shard, endpoints, aeronDir, timeoutNs));
    }

    /**
     * As {@link #udp}, but not yet connected: {@link #awaitConnected(BooleanSupplier)} connects it, or
     * {@link #refuse}/{@link #leave} tell the others that this shard does not join; the launcher can {@link #fail} it
     * while it waits.
     */
    public static AeronShardLink openUdp(final int shard, final List<String> endpoints, final Path aeronDir,
        final long timeoutNs)
    {
        final int shards = endpoints.size();
        check(shard, shards);
        final String[] send = new String[shards];
        final String[] receive = new String[shards];
        for (int s = 0; s < shards; s++)
        {
            send[s] = "aeron:udp?endpoint=" + endpoints.get(s) + "|" + TERM;
            receive[s] = "aeron:udp?endpoint=" + endpoints.get(shard);
        }
        final MediaDriver driver = launchDriver(aeronDir);
        return new AeronShardLink(shard, shards, timeoutNs, driver, aeronDir.toString(), aeronDir,
            List.copyOf(endpoints), send, receive);
    }

    private static void check(final int shard, final int shards)
    {
        if (shards < 1 || shards > MAX_SHARDS || shard < 0 || shard >= shards)
        {
            throw new IllegalArgumentException("shard must be I/N with 0 <= I < N <= " + MAX_SHARDS + ": " + shard +
                "/" + shards);
        }
    }

    private static MediaDriver launchDriver(final Path aeronDir)
    {
        // The driver's one thread (conductor, and over UDP sender and receiver) waits as the exchange does: parks of
        // up to 100 us after 10 yields made each UDP hop up to that much later (a 2-shard tick took 4 ms).
        final IdleStrategy idle = new BackoffIdleStrategy(WAIT_SPINS, WAIT_YIELDS, WAIT_MIN_PARK_NS, WAIT_MAX_PARK_NS);
        return MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idle)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false));
    }

    static AeronShardLink connect(final AeronShardLink link)
    {
        try
        {
            link.awaitConnected();
            return link;
        }
        catch (final RuntimeException ex)
        {
            link.close();
            throw ex;
        }
    }

    void awaitConnected()
    {
        awaitConnected(() -> false);
    }

    /**
     * Waits for every other shard to connect, taking in what the connected ones send meanwhile: an abort (a shard
     * that refused its input, or left, before it joined) is heard here, not only once the run polls.
     *
     * @param stop checked while waiting (a SIGINT's stop request): true ends the wait.
     * @return true once every other shard has connected, false if {@code stop} said so first ({@link #leave} then
     *         tells the connected ones).
     * @throws ShardAborted         another shard's abort.
     * @throws IllegalStateException naming every shard that did not connect in time.
     */
    public boolean awaitConnected(final BooleanSupplier stop)
    {
        final long startNs = System.nanoTime();
        final long limitNs = connectLimitNs();
        for (int s = 0; s < shards; s++)
        {
            while (s != shard && !connected(s))
            {
                drain();
                checkFailure();
                checkParent();
                if (stop.getAsBoolean())
                {
                    return false;
                }
                if (System.nanoTime() - startNs > limitNs)
                {
                    throw new IllegalStateException(ShardJoin.notJoined(shard, shards, endpoints, this::connected,
                        limitNs));
                }
                idle.idle();
            }
        }
        idle.reset();
        return true;
    }

    /**
     * How long this shard waits for the others to join ({@link ShardJoin#connectLimitNs}).
     *
     * @return nanoseconds.
     */
    public long connectLimitNs()
    {
        return ShardJoin.connectLimitNs(timeoutNs);
    }

    /**
     * Whether another shard has connected to this one, both ways.
     *
     * @param s the other shard.
     * @return true once it has.
     */
    public boolean connected(final int s)
    {
        return publications[s].isConnected() && subscriptions[s].isConnected();
    }

    static int streamId(final int from, final int to)
    {
        return STREAM_BASE + from * MAX_SHARDS + to;
    }

    /**
     * {@inheritDoc}
     */
    public int shard()
    {
        return shard;
    }

    /**
     * {@inheritDoc}
     */
    public int shards()
    {
        return shards;
    }

    /**
     * {@inheritDoc}
     */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * Bytes of blocks sent so far, headers of pieces not counted.
     *
     * @return bytes.
     */
    public long bytesSent()
    {
        return bytesSent;
    }

    /**
     * Blocks sent so far.
     *
     * @return blocks.
     */
    public long blocksSent()
    {
        return blocksSent;
    }

    /**
     * The barrier's cycles so far, in ns: the time from the moment this shard had taken a block from every other
     * shard to the next such moment. In a sharded run, that is a tick's whole cost on this shard, its workers' part
     * and the exchange: with few cells, the barrier's round trip. (The first cycle of a run counts the time since the
     * last of the run before.)
     *
     * @return the histogram, recorded by the link's thread; read it when the run has stopped.
     */
    public Histogram roundTrips()
    {
        return roundTrips;
    }

    /**
     * Marks the run as failed elsewhere (a shard's process ended): the next send or poll throws with this reason.
     *
     * @param reason one line naming the shard.
     */
    public void fail(final String reason)
    {
        failure = reason;
    }

    /**
     * {@inheritDoc}
     */
    public void send(final int to, final DirectBuffer buffer, final int offset, final int length)
    {
        final ExclusivePublication publication = publications[to];
        if (0 == roundPending)
        {
            roundPending = shards - 1;
        }
        final int piece = Math.min(PIECE_LENGTH, publication.maxMessageLength()) - Integer.BYTES;
        int at = 0;
        do
        {
            final int size = Math.min(piece, length - at);
            header.putInt(0, at + size == length ? LAST : 0);
            offer(to, publication, buffer, offset + at, size);
            at += size;
        }
        while (at < length);
        bytesSent += length;
        blocksSent++;
    }

    private void offer(final int to, final ExclusivePublication publication, final DirectBuffer buffer,
        final int offset, final int length)
    {
        final long startNs = System.nanoTime();
        idle.reset();
        while (true)
        {
            final long result = publication.offer(header, 0, Integer.BYTES, buffer, offset, length);
            if (result > 0)
            {
                return;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new IllegalStateException("the link to shard " + to + " of " + shards + " is closed");
            }
            checkFailure();
            checkParent();
            // Two shards may send each other big blocks at once: take in what arrives while waiting, or neither
            // would ever drain the other's publication.
            if (drain() > 0)
            {
                idle.reset();
                continue;
            }
            if (System.nanoTime() - startNs > timeoutNs)
            {
                throw new IllegalStateException("shard " + to + " of " + shards + " took no block from shard " +
                    shard + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms (" +
                    (Publication.NOT_CONNECTED == result ? "not connected" : "back-pressured") +
                    "): it stopped or cannot be reached");
            }
            idle.idle();
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Here: a few spins, then up to {@value #WAIT_YIELDS} yields (a short tick's wait, some tens of microseconds,
     * passes in them, and the threads it waits for get the core), then parks of 1 up to
     * {@value #WAIT_MAX_PARK_NS} ns (a long tick's).
     */
    public IdleStrategy waitStrategy()
    {
        return new BackoffIdleStrategy(WAIT_SPINS, WAIT_YIELDS, WAIT_MIN_PARK_NS, WAIT_MAX_PARK_NS);
    }

    /**
     * {@inheritDoc}
     */
    public DirectBuffer poll(final int from)
    {
        checkFailure();
        release(from);
        if (!complete[from])
        {
            subscriptions[from].controlledPoll(assemblers[from], FRAGMENT_LIMIT);
            checkFailure();
        }
        if (!complete[from])
        {
            if (!subscriptions[from].isConnected())
            {
                throw new IllegalStateException("shard " + from + " of " + shards + " closed its link to shard " +
                    shard + ": it stopped");
            }
            checkParent();
            return null;
        }
        returned[from] = true;
        if (roundPending > 0 && 0 == --roundPending)
        {
            final long nowNs = System.nanoTime();
            if (0 != lastRoundNs)
            {
                roundTrips.recordValue(Math.min(nowNs - lastRoundNs, roundTrips.getHighestTrackableValue()));
            }
            lastRoundNs = nowNs;
        }
        views[from].wrap(blocks[from], 0, lengths[from]);
        return views[from];
    }

    /**
     * Forgets the block last returned for a shard, so its next one can come in.
     */
    private void release(final int from)
    {
        if (returned[from])
        {
            returned[from] = false;
            complete[from] = false;
            lengths[from] = 0;
        }
    }

    /**
     * Takes in the pieces that have arrived from every shard, up to the end of each one's next block.
     *
     * @return fragments taken.
     */
    private int drain()
    {
        int fragments = 0;
        for (int s = 0; s < shards; s++)
        {
            if (s == shard)
            {
                continue;
            }
            release(s);
            if (!complete[s])
            {
                fragments += subscriptions[s].controlledPoll(assemblers[s], FRAGMENT_LIMIT);
            }
        }
        return fragments;
    }

    /**
     * Makes this shard's waits check, every {@value ParentWatch#CHECK_NS} ns at most, that the process that started it
     * (the launcher, shard 0) is alive, and fail the run when it is gone: a launcher killed by SIGKILL cannot end its
     * children, and they would wait for it until the link's timeout (or for ever, waiting for the media driver it
     * ran). Checked on the idle path only (a poll that found nothing, a connect or a back-pressured send).
     *
     * @param pid the launcher's process id.
     * @throws IllegalStateException if that process is gone already.
     */
    public void watchParent(final long pid)
    {
        parent = new ParentWatch(pid);
    }

    private void checkParent()
    {
        if (null != parent)
        {
            parent.check();
        }
    }

    private void checkFailure()
    {
        if (null != aborted)
        {
            throw aborted;
        }
        final String reason = failure;
        if (null != reason)
        {
            throw new IllegalStateException(reason);
        }
    }

    /**
     * Tells every other shard that the run stopped here, so that each stops at once with the same exit code and
     * message (their next poll or send throws {@link ShardAborted}) rather than wait for this shard until the
     * timeout.
     * Best effort: a shard not connected is skipped, a back-pressured one is given up on after a second.
     *
     * @param origin   the shard whose failure stopped the run: this one, or the one whose abort this passes on.
     * @param exitCode the failure's exit code, as one process's (1 a failed run, 2 bad usage).
     * @param message  the failure's one line.
     */
    public void abort(final int origin, final int exitCode, final String message)
    {
        final UnsafeBuffer piece = abortPiece(origin, exitCode, message);
        for (int s = 0; s < shards; s++)
        {
            // The origin too: a shard that refused before its run ({@link #refuse}) waits for it as a receipt.
            if (s == shard || null == publications[s])
            {
                continue;
            }
            final long startNs = System.nanoTime();
            long result;
            do
            {
                result = publications[s].offer(piece, 0, piece.capacity());
            }
            while ((Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result) &&
                System.nanoTime() - startNs < ABORT_OFFER_NS);
        }
    }

    private static UnsafeBuffer abortPiece(final int origin, final int exitCode, final String message)
    {
        final byte[] text = String.valueOf(message).getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length, ABORT_MESSAGE_LENGTH);
        final UnsafeBuffer piece = new UnsafeBuffer(new byte[3 * Integer.BYTES + textLength]);
        piece.putInt(0, ABORT);
        piece.putInt(Integer.BYTES, exitCode);
        piece.putInt(2 * Integer.BYTES, origin);
        piece.putBytes(3 * Integer.BYTES, text, 0, textLength);
        return piece;
    }

    /**
     * Tells every other shard, before this one joins them, that it will not (it refused its input, or was given
     * {@code --help}), as {@link #abort} does: each as soon as it connects, waited for until it has heard it (sent an
     * abort back: passing this one on, or its own refusal) or is gone, what it sends meanwhile dropped, for up to
     * {@link #connectLimitNs()} in all. Over UDP the abort must leave this host's media driver before the link is
     * closed, so this shard waits for them rather than close at once. Call it on a link not yet connected
     * ({@link #openUdp}), then close it.
     *
     * @param exitCode the others' exit code (2 bad usage).
     * @param message  the others' one line.
     * @param stop     checked while waiting (a SIGINT's stop request): true ends the wait.
     * @return the shards that heard it, bit s for shard s.
     */
    public long refuse(final int exitCode, final String message, final BooleanSupplier stop)
    {
        return tell(abortPiece(shard, exitCode, message), true, connectLimitNs(), stop);
    }

    /**
     * Tells the other shards connected to this one (or half so) that it leaves before the run (a SIGINT while it
     * waited for the others to join), as {@link #refuse} does, but waits at most a second for them to hear it,
     * and not for the others.
     *
     * @param exitCode the others' exit code.
     * @param message  the others' one line.
     * @return the shards that heard it, bit s for shard s.
     */
    public long leave(final int exitCode, final String message)
    {
        return tell(abortPiece(shard, exitCode, message), false, ABORT_OFFER_NS, () -> false);
    }

    /**
     * Passes on another shard's abort taken in before this one's run started (while it joined, or agreed on its
     * set): to the shards connected to this one (or half so), the origin too, as a receipt, waited for as
     * {@link #leave} does; an {@link #abort} would skip a shard whose connection is not yet complete both ways.
     *
     * @param aborted the abort this shard took in.
     */
    public void passOn(final ShardAborted aborted)
    {
        tell(abortPiece(aborted.origin(), aborted.exitCode(), aborted.reason()), false, ABORT_OFFER_NS, () -> false);
    }

    private long tell(final UnsafeBuffer piece, final boolean all, final long limitNs, final BooleanSupplier stop)
    {
        final IdleStrategy waiting = waitStrategy();
        final long startNs = System.nanoTime();
        long told = 0;
        long seen = 0;
        long heard = 0;
        long waitFor = 0;
        for (int s = 0; s < shards; s++)
        {
            waitFor |= s != shard && (all || publications[s].isConnected() || subscriptions[s].imageCount() > 0) ?
                1L << s : 0;
        }
        while (heard != waitFor && System.nanoTime() - startNs < limitNs && !stop.getAsBoolean())
        {
            for (int s = 0; s < shards; s++)
            {
                final long bit = 1L << s;
                if (0 == (waitFor & bit) || 0 != (heard & bit))
                {
                    continue;
                }
                if (0 == (told & bit) && publications[s].isConnected() &&
                    publications[s].offer(piece, 0, piece.capacity()) > 0)
                {
                    told |= bit;
                }
                release(s);
                if (!complete[s])
                {
                    subscriptions[s].controlledPoll(assemblers[s], FRAGMENT_LIMIT);
                }
                returned[s] = complete[s];  // a block it sent before it took this in: dropped
                seen |= subscriptions[s].imageCount() > 0 ? bit : 0;
                // Heard: it sent an abort back, or its link is gone (it closed, or stopped answering).
                if (0 != (told & bit) && (abortedBy[s] || (0 != (seen & bit) ? gone(s) :
                    !publications[s].isConnected())))
                {
                    heard |= bit;
                }
            }
            waiting.idle();
        }
        return heard;
    }

    /**
     * Whether a shard's link to this one is gone: no image, or every image closed or at its end.
     */
    private boolean gone(final int from)
    {
        final Subscription subscription = subscriptions[from];
        for (int i = 0, n = subscription.imageCount(); i < n; i++)
        {
            final Image image = subscription.imageAtIndex(i);
            if (!image.isClosed() && !image.isEndOfStream())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The abort another shard sent, once this shard has taken it in.
     *
     * @return the abort, or null.
     */
    public ShardAborted aborted()
    {
        return aborted;
    }

    /**
     * Closes the client and, if this shard launched it, the media driver, whose directory is deleted.
     */
    public void close()
    {
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(driver);
        if (null != ownedDir)
        {
            IoUtil.delete(ownedDir.toFile(), true);
        }
    }

    /**
     * Puts one shard's pieces back together; stops the poll at the end of a block, so the next stays queued.
     */
    private final class Pieces implements ControlledFragmentHandler
    {
        private final int from;

        Pieces(final int from)
        {
            this.from = from;
        }

        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            if (ABORT == buffer.getInt(offset))
            {
                abortedBy[from] = true;
                if (null == aborted)
                {
                    final int at = offset + Integer.BYTES;
                    aborted = new ShardAborted(buffer.getInt(at + Integer.BYTES), shards, buffer.getInt(at),
                        buffer.getStringWithoutLengthUtf8(at + 2 * Integer.BYTES, length - 3 * Integer.BYTES));
                }
                return Action.BREAK;
            }
            final int size = length - Integer.BYTES;
            blocks[from].putBytes(lengths[from], buffer, offset + Integer.BYTES, size);
            lengths[from] += size;
            if (LAST == buffer.getInt(offset))
            {
                complete[from] = true;
                return Action.BREAK;
            }
            return Action.CONTINUE;
        }
    }
}
