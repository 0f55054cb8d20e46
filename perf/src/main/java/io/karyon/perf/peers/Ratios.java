package io.karyon.perf.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.karyon.cli.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Karyon's ratio over each peer on a workload's headline figures, one JSON line per figure:
 * <pre>
 * {"workload":"W2","ratio_of":"hops_per_s","higher_is_better":true,"karyon":5.1e7,
 *  "jvm_objects":2.3e6,"pekko":4.0e6,"ratio_vs_jvm_objects":22.2,"ratio_vs_pekko":12.8}
 * </pre>
 * A ratio above 1 means Karyon is ahead: Karyon's figure over the peer's where higher is better (rates), the peer's
 * over Karyon's where lower is better (bytes, ns per cell, latency). These lines have no {@code engine} field.
 */
public final class Ratios
{
    /**
     * A headline figure and which way is better.
     *
     * @param field          name in the JSON lines.
     * @param higherIsBetter true for rates.
     */
    record Headline(String field, boolean higherIsBetter)
    {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, List<Headline>> HEADLINES = Map.of(
        "W1", List.of(new Headline("bytes_per_cell", false), new Headline("ns_per_cell", false)),
        "W2", List.of(new Headline("hops_per_s", true)),
        "W3", List.of(new Headline("updates_per_s", true)),
        "W4", List.of(new Headline("deliveries_per_s", true)),
        "W5", List.of(new Headline("restarts_per_s", true)),
        "W5x", List.of(new Headline("escalation_ms", false)),
        "W6", List.of(new Headline("ops_per_s", true), new Headline("p999_us", false)),
        "W7", List.of(new Headline("time_weighted_p99_us", false), new Headline("p99_us", false),
            new Headline("mean_us", false), new Headline("background_updates_per_s", true)));

    private Ratios()
    {
    }

    /**
     * The ratio lines of a workload.
     *
     * @param workload id, e.g. "W2".
     * @param karyon   Karyon's JSON line.
     * @param peers    the peers' JSON lines.
     * @return one line per headline figure; none if the workload has no headline figures listed or no peers ran.
     */
    public static List<String> lines(final String workload, final String karyon, final List<String> peers)
    {
        final List<String> lines = new ArrayList<>();
        if (peers.isEmpty())
        {
            return lines;
        }
        final JsonNode ours = parse(karyon);
        final List<JsonNode> theirs = new ArrayList<>();
        for (final String peer : peers)
        {
            theirs.add(parse(peer));
        }
        for (final Headline headline : HEADLINES.getOrDefault(workload, List.of()))
        {
            final double value = ours.path(headline.field()).asDouble(Double.NaN);
            final Json json = new Json()
                .field("workload", workload)
                .field("ratio_of", headline.field())
                .field("higher_is_better", headline.higherIsBetter())
                .field("karyon", value);
            for (final JsonNode peer : theirs)
            {
                json.field(key(peer.path("engine").asText()), peer.path(headline.field()).asDouble(Double.NaN));
            }
            for (final JsonNode peer : theirs)
            {
                final double other = peer.path(headline.field()).asDouble(Double.NaN);
                json.field("ratio_vs_" + key(peer.path("engine").asText()),
                    headline.higherIsBetter() ? value / other : other / value);
            }
            lines.add(json.toString());
        }
        return lines;
    }

    /**
     * An engine's name as a field name: "jvm-objects" becomes "jvm_objects".
     */
    static String key(final String engine)
    {
        return engine.replace('-', '_');
    }

    private static JsonNode parse(final String line)
    {
        try
        {
            return MAPPER.readTree(line);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("not a JSON line: " + line, ex);
        }
    }
}
