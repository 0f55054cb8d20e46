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
    /** How often a shard started by a launcher checks, while it waits, that the launcher is still there. */
    private static final long PARENT_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);
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
    private Aborted aborted;
    private ProcessHandle parent;
    private long parentCheckNs;
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
     * As {@link #udp}, but not yet connected: the launcher can {@link #fail} it while it waits in
     * {@link #awaitConnected()}.
     */
    static AeronShardLink openUdp(final int shard, final List<String> endpoints, final Path aeronDir,
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
        final long startNs = System.nanoTime();
        final long limitNs = ShardJoin.connectLimitNs(timeoutNs);
        for (int s = 0; s < shards; s++)
        {
            while (s != shard && !connected(s))
            {
                checkFailure();
                checkParent();
                if (System.nanoTime() - startNs > limitNs)
                {
                    throw new IllegalStateException(ShardJoin.notJoined(shard, shards, endpoints, this::connected,
                        limitNs));
                }
                idle.idle();
            }
        }
        idle.reset();
    }

    private boolean connected(final int s)
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
     */
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
     * Makes this shard's waits check, every {@value #PARENT_CHECK_NS} ns at most, that the process that started it
     * (the launcher, shard 0) is alive, and fail the run when it is gone: a launcher killed by SIGKILL cannot end its
     * children, and they would wait for it until the link's timeout (or for ever, waiting for the media driver it
     * ran). Checked on the idle path only (a poll that found nothing, a connect or a back-pressured send).
     *
     * @param pid the launcher's process id.
     * @throws IllegalStateException if that process is gone already.
     */
    public void watchParent(final long pid)
    {
        parent = ProcessHandle.of(pid).orElse(null);
        if (null == parent || !parent.isAlive())
        {
            throw new IllegalStateException(parentGone(pid));
        }
        parentCheckNs = System.nanoTime();
    }

    private void checkParent()
    {
        if (null != parent)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - parentCheckNs > PARENT_CHECK_NS)
            {
                parentCheckNs = nowNs;
                if (!parent.isAlive())
                {
                    throw new IllegalStateException(parentGone(parent.pid()));
                }
            }
        }
    }

    private static String parentGone(final long pid)
    {
        return "shard 0 (pid " + pid + "), which started this shard, is gone: the run stopped";
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
     * message (their next poll or send throws {@link Aborted}) rather than wait for this shard until the timeout.
     * Best effort: a shard not connected is skipped, a back-pressured one is given up on after a second.
     *
     * @param origin   the shard whose failure stopped the run: this one, or the one whose abort this passes on.
     * @param exitCode the failure's exit code, as one process's (1 a failed run, 2 bad usage).
     * @param message  the failure's one line.
     */
    public void abort(final int origin, final int exitCode, final String message)
    {
        final byte[] text = String.valueOf(message).getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length, ABORT_MESSAGE_LENGTH);
        final UnsafeBuffer piece = new UnsafeBuffer(new byte[3 * Integer.BYTES + textLength]);
        piece.putInt(0, ABORT);
        piece.putInt(Integer.BYTES, exitCode);
        piece.putInt(2 * Integer.BYTES, origin);
        piece.putBytes(3 * Integer.BYTES, text, 0, textLength);
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

    /**
     * Tells every other shard that this one refused its input before its run started (a bad {@code --out}, a
     * parameter, an option of this host's), as {@link #abort} does, and waits until each has taken it in: until it
     * has sent an abort back (passing this one on, or its own refusal) or closed its link, at most the link's
     * timeout, taking in and dropping what it sent meanwhile. Over UDP the abort must leave this host's media driver
     * before the link is closed, and the others take it in only where they next poll (after their set-up), so this
     * shard waits for them rather than close at once. A shard that refuses calls it once connected, then closes.
     *
     * @param exitCode the refusal's exit code (2 bad usage).
     * @param message  the refusal's one line.
     */
    public void refuse(final int exitCode, final String message)
    {
        abort(shard, exitCode, message);
        final IdleStrategy waiting = waitStrategy();
        final long startNs = System.nanoTime();
        int left = shards - 1;
        while (left > 0 && System.nanoTime() - startNs < timeoutNs)
        {
            left = 0;
            for (int s = 0; s < shards; s++)
            {
                if (s == shard || abortedBy[s])
                {
                    continue;
                }
                release(s);
                if (!complete[s])
                {
                    subscriptions[s].controlledPoll(assemblers[s], FRAGMENT_LIMIT);
                }
                returned[s] = complete[s];  // a block it sent before it took the refusal in: dropped
                if (!abortedBy[s] && !gone(s))
                {
                    left++;
                }
            }
            waiting.idle();
        }
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
    public Aborted aborted()
    {
        return aborted;
    }

    /**
     * Another shard stopped the run ({@link #abort}): thrown by this shard's next poll or send, with that shard's
     * exit code and message.
     */
    public static final class Aborted extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        private final int origin;
        private final int exitCode;
        private final String reason;

        Aborted(final int origin, final int shards, final int exitCode, final String reason)
        {
            super("shard " + origin + " of " + shards + " stopped the run: " + reason);
            this.origin = origin;
            this.exitCode = exitCode;
            this.reason = reason;
        }

        /**
         * The shard whose failure stopped the run.
         *
         * @return its index.
         */
        public int origin()
        {
            return origin;
        }

        /**
         * The failure's exit code on that shard.
         *
         * @return 1 a failed run, 2 bad usage.
         */
        public int exitCode()
        {
            return exitCode;
        }

        /**
         * The failure's one line on that shard.
         *
         * @return the message.
         */
        public String reason()
        {
            return reason;
        }
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
                    aborted = new Aborted(buffer.getInt(at + Integer.BYTES), shards, buffer.getInt(at),
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
