package io.karyon.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.karyon.model.ModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifest of one complete set of a sharded run's checkpoints: {@code tick-<T>.manifest.json} beside the parts
 * {@code tick-<T>.shard-<I>.kcp} in {@code OUT/checkpoints/}. Shard 0 writes it last, once every shard has reported its
 * part of tick T written (a temporary file, synced, renamed): a set without a manifest is incomplete and never used.
 * It names the run (id, model, parameters, seed, shards, workers per shard, cells, ticks, the checkpoints' cadence)
 * and each part (file, length, the checksum of its sections); the JSON layout is in docs/spec/shards.md.
 *
 * @param runId      the run's id, the same in every part.
 * @param model      the model's name.
 * @param seed       the run's seed.
 * @param shards     shards in the run, 2 to {@link AeronShardLink#MAX_SHARDS}.
 * @param workers    workers per shard, >= 1.
 * @param cells      cells the run created, >= 1.
 * @param ticks      ticks the run lasts in all, >= tick.
 * @param tick       the tick boundary of the set: ticks completed, >= 1.
 * @param every      ticks between checkpoints, >= 0 (0: only on a stop request).
 * @param keep       complete sets kept, >= 1.
 * @param parameters the model's parameters as given to the run, by name, as text.
 * @param parts      one per shard, in shard order.
 */
public record ShardManifest(String runId, String model, long seed, int shards, int workers, long cells, long ticks,
    long tick, long every, int keep, Map<String, String> parameters, List<Part> parts)
{
    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT = "karyon-shards-manifest";
    /** The version of the layout this karyon writes and reads. */
    public static final int VERSION = 1;

    // Strict: a key given twice, or anything after the object, is refused rather than read one way or the other.
    private static final ObjectMapper JSON = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
    private static final Pattern MANIFEST = Pattern.compile("tick-(\\d{1,18})\\.manifest\\.json");
    private static final Pattern PART_FILE = Pattern.compile("tick-(\\d{1,18})\\.shard-\\d{1,2}\\.kcp");
    private static final int MAX_LENGTH = 1 << 20;

    /**
     * One shard's part of the set.
     *
     * @param shard    the shard that wrote it.
     * @param file     its file's name, in the manifest's folder.
     * @param length   its length in bytes.
     * @param checksum the CRC32C of its sections' names and checksums, in file order.
     */
    public record Part(int shard, String file, long length, long checksum)
    {
    }

    /**
     * Copies.
     */
    public ShardManifest
    {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        parts = List.copyOf(parts);
    }

    /**
     * The manifest's file for a tick.
     *
     * @param dir  the checkpoints' folder.
     * @param tick of the set.
     * @return the file.
     */
    public static Path file(final Path dir, final long tick)
    {
        return dir.resolve("tick-" + tick + ".manifest.json");
    }

    /**
     * A shard's part's file for a tick.
     *
     * @param dir   the checkpoints' folder.
     * @param tick  of the set.
     * @param shard that writes it.
     * @return the file.
     */
    public static Path partFile(final Path dir, final long tick, final int shard)
    {
        return dir.resolve("tick-" + tick + ".shard-" + shard + ".kcp");
    }

    /**
     * The manifest of the set a part belongs to, beside it: the file a fork of the set names as its parent.
     *
     * @param part a part's file ({@code tick-<T>.shard-<I>.kcp}).
     * @return {@code tick-<T>.manifest.json} in the part's folder, or the part itself if its name is not a part's.
     */
    public static Path manifestOf(final Path part)
    {
        final Matcher m = PART_FILE.matcher(String.valueOf(part.getFileName()));
        return m.matches() ? file(part.toAbsolutePath().getParent(), Long.parseLong(m.group(1))) : part;
    }

    /**
     * The tick of a manifest's file name.
     *
     * @param file a file.
     * @return its tick, or -1 if the name is not a manifest's.
     */
    public static long tickOf(final Path file)
    {
        final Matcher m = MANIFEST.matcher(String.valueOf(file.getFileName()));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The manifest as JSON text.
     *
     * @return the text, one field a line.
     */
    public String toJson()
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("run_id", runId);
        root.put("model", model);
        root.put("seed", seed);
        root.put("shards", shards);
        root.put("workers_per_shard", workers);
        root.put("cells", cells);
        root.put("ticks", ticks);
        root.put("tick", tick);
        root.put("checkpoint_every", every);
        root.put("keep_checkpoints", keep);
        final ObjectNode params = root.putObject("parameters");
        parameters.forEach(params::put);
        final ArrayNode list = root.putArray("parts");
        for (final Part part : parts)
        {
            final ObjectNode p = list.addObject();
            p.put("shard", part.shard());
            p.put("file", part.file());
            p.put("length", part.length());
            p.put("sections_crc32c", part.checksum());
        }
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("manifest: " + ex.getMessage(), ex);
        }
    }

    /**
     * Writes the manifest into a folder, atomically: a temporary file, synced, renamed over its name, the folder
     * synced.
     *
     * @param dir the checkpoints' folder.
     * @return the file written.
     * @throws IOException if it cannot be written (the temporary file is then removed).
     */
    public Path write(final Path dir) throws IOException
    {
        final Path target = file(dir, tick).toAbsolutePath();
        final Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                final ByteBuffer bytes = ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel folder = FileChannel.open(target.getParent(), StandardOpenOption.READ))
            {
                folder.force(true);
            }
            return target;
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temp);
            throw ex;
        }
    }

    /**
     * Reads a manifest file.
     *
     * @param file to read.
     * @return the manifest.
     * @throws ModelException exit 2, one line naming the file and the first thing wrong with it.
     */
    public static ShardManifest read(final Path file)
    {
        final String name = String.valueOf(file.getFileName());
        final byte[] bytes;
        try
        {
            if (Files.size(file) > MAX_LENGTH)
            {
                throw refuse(name, "longer than " + MAX_LENGTH + " bytes: not a manifest");
            }
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw refuse(name, "cannot be read: " + ex);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), name);
    }

    /**
     * Parses a manifest's text.
     *
     * @param text the JSON text.
     * @param name the file's name, for messages.
     * @return the manifest.
     * @throws ModelException exit 2, one line naming the file and the first thing wrong with it.
     */
    public static ShardManifest parse(final String text, final String name)
    {
        final JsonNode root;
        try
        {
            root = JSON.readTree(text);
        }
        catch (final JsonProcessingException ex)
        {
            final String detail = ex.getOriginalMessage();
            throw refuse(name, "not JSON" + (null == ex.getLocation() ? "" : " at line " +
                ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr()) + ": " +
                (null == detail ? "" : detail.lines().findFirst().orElse("")));
        }
        if (null == root || !root.isObject())
        {
            throw refuse(name, "not a JSON object");
        }
        final String format = text(root, "format", name);
        if (!FORMAT.equals(format))
        {
            throw refuse(name, "format is \"" + format + "\", not \"" + FORMAT + "\"");
        }
        final long version = number(root, "version", 0, Integer.MAX_VALUE, name);
        if (VERSION != version)
        {
            throw refuse(name, "version " + version + ", this karyon reads " + VERSION);
        }
        final int shards = (int)number(root, "shards", 2, AeronShardLink.MAX_SHARDS, name);
        final long ticks = number(root, "ticks", 1, Long.MAX_VALUE, name);
        final long tick = number(root, "tick", 1, ticks, name);
        final ShardManifest manifest = new ShardManifest(text(root, "run_id", name), text(root, "model", name),
            number(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE, name), shards,
            (int)number(root, "workers_per_shard", 1, Integer.MAX_VALUE, name),
            number(root, "cells", 1, Long.MAX_VALUE, name), ticks, tick,
            number(root, "checkpoint_every", 0, Long.MAX_VALUE, name),
            (int)number(root, "keep_checkpoints", 1, Integer.MAX_VALUE, name), parameters(root, name),
            parts(root, shards, name));
        if (manifest.runId().isEmpty() || manifest.model().isEmpty())
        {
            throw refuse(name, "run_id and model must not be empty");
        }
        return manifest;
    }

    private static Map<String, String> parameters(final JsonNode root, final String name)
    {
        final JsonNode node = root.get("parameters");
        if (null == node || !node.isObject())
        {
            throw refuse(name, "\"parameters\" must be an object of NAME: \"VALUE\"");
        }
        final Map<String, String> parameters = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext())
        {
            final Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual() || e.getKey().isEmpty())
            {
                throw refuse(name, "parameters." + e.getKey() + " must be text");
            }
            parameters.put(e.getKey(), e.getValue().textValue());
        }
        return parameters;
    }

    private static List<Part> parts(final JsonNode root, final int shards, final String name)
    {
        final JsonNode node = root.get("parts");
        if (null == node || !node.isArray())
        {
            throw refuse(name, "\"parts\" must be an array of one object per shard");
        }
        if (node.size() != shards)
        {
            throw refuse(name, "\"parts\" has " + node.size() + " entries for " + shards + " shards");
        }
        final List<Part> parts = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++)
        {
            final JsonNode p = node.get(i);
            final String where = "parts[" + i + "]";
            if (!p.isObject())
            {
                throw refuse(name, where + " must be an object");
            }
            final int shard = (int)number(p, "shard", 0, shards - 1, name + ": " + where);
            if (shard != i)
            {
                throw refuse(name, where + ".shard is " + shard + ", expected " + i +
                    " (one part per shard, in order)");
            }
            final String file = text(p, "file", name + ": " + where);
            if (!PART_FILE.matcher(file).matches())
            {
                throw refuse(name, where + ".file \"" + file + "\" is not a part's name (tick-T.shard-I.kcp)");
            }
            parts.add(new Part(shard, file, number(p, "length", 1, Long.MAX_VALUE, name + ": " + where),
                number(p, "sections_crc32c", 0, 0xFFFF_FFFFL, name + ": " + where)));
        }
        return parts;
    }

    private static String text(final JsonNode node, final String field, final String where)
    {
        final JsonNode value = node.get(field);
        if (null == value || !value.isTextual())
        {
            throw refuse(where, "\"" + field + "\" must be text" + (null == value ? ", is missing" : ""));
        }
        return value.textValue();
    }

    private static long number(final JsonNode node, final String field, final long min, final long max,
        final String where)
    {
        final JsonNode value = node.get(field);
        if (null == value || !value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw refuse(where, "\"" + field + "\" must be an integer" + (null == value ? ", is missing" : ""));
        }
        final long n = value.longValue();
        if (n < min || n > max)
        {
            throw refuse(where, "\"" + field + "\" must be in " + min + ".." + max + ", is " + n);
        }
        return n;
    }

    private static ModelException refuse(final String where, final String problem)
    {
        return new ModelException(where + ": " + problem, ModelException.EXIT_USAGE, null);
    }
}
