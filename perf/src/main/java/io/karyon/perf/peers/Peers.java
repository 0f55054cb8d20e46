package io.karyon.perf.peers;

import io.karyon.perf.W6Mix;

import java.util.ArrayList;
import java.util.List;

/**
 * The peers {@code karyon bench --peers} runs after Karyon, for each workload that has them. To add a workload's
 * peers, add its {@code PeerWorkload}s here.
 */
public final class Peers
{
    /** Plain JVM objects: one object per cell, a {@code ConcurrentLinkedQueue} mailbox, a {@code ForkJoinPool}. */
    public static final String JVM_OBJECTS = "jvm-objects";
    /** Apache Pekko typed actors, one actor per cell. */
    public static final String PEKKO = "pekko";
    /** The peer engines, in the order they run. */
    public static final List<String> ENGINES = List.of(JVM_OBJECTS, PEKKO);

    private static final List<PeerWorkload> ALL = List.of(
        new W1Peer(JVM_OBJECTS, JvmSpawn::new),
        new W1Peer(PEKKO, PekkoSpawn::new),
        new W2Peer(JVM_OBJECTS, JvmRing::new),
        new W2Peer(PEKKO, PekkoRing::new),
        new W3Peer(JVM_OBJECTS, JvmTick::new),
        new W3Peer(PEKKO, PekkoTick::new),
        new W4Peer(JVM_OBJECTS, JvmBroadcast::new),
        new W4Peer(PEKKO, PekkoBroadcast::new),
        new W5Peer(JVM_OBJECTS, JvmApoptosis::new),
        new W5Peer(PEKKO, PekkoApoptosis::new),
        new W5xPeer(JVM_OBJECTS, JvmEscalation::new),
        new W5xPeer(PEKKO, PekkoEscalation::new),
        new W6Peer(JVM_OBJECTS, (keys, workers) -> W6Mix.chm(keys, workers, JVM_OBJECTS), 0),
        new W6Peer(PEKKO, PekkoMatrix::new, PekkoMatrix.MESSAGES_PER_OPERATION),
        new W7Peer(JVM_OBJECTS, JvmLatency::new),
        new W7Peer(PEKKO, PekkoLatency::new));

    private Peers()
    {
    }

    /**
     * The peers of a workload.
     *
     * @param workload id, e.g. "W2".
     * @return its peers in {@link #ENGINES} order; empty if it has none.
     */
    public static List<PeerWorkload> of(final String workload)
    {
        final List<PeerWorkload> peers = new ArrayList<>();
        for (final PeerWorkload peer : ALL)
        {
            if (peer.workload().equals(workload))
            {
                peers.add(peer);
            }
        }
        return peers;
    }
}
