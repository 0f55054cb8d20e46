package io.karyon.cli;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * One JSON object on one line, fields in the order they are added: the report format of {@code karyon run --json}
 * and of every workload. Jackson writes it; the numbers keep the project's format, which scripts and
 * BENCHMARKS.md read ({@link #field(String, double)}).
 * <p>
 * <b>Note:</b> not threadsafe.
 */
public final class Json
{
    private static final MathContext SIGNIFICANT = new MathContext(6, RoundingMode.HALF_EVEN);
    private static final ObjectMapper MAPPER = new ObjectMapper(
        new JsonFactoryBuilder().characterEscapes(new ControlCharacterEscapes()).build());

    private final ObjectNode object = MAPPER.createObjectNode();

    /**
     * Adds a string field.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final String value)
    {
        object.put(name, value);
        return this;
    }

    /**
     * Adds an integer field.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final long value)
    {
        object.put(name, value);
        return this;
    }

    /**
     * Adds a boolean field.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final boolean value)
    {
        object.put(name, value);
        return this;
    }

    /**
     * Adds a number field: a whole value below 10^15 as an integer, any other finite value rounded to 6 significant
     * digits in the shortest form (1.93, 5.18123e7, 2.5e-12); NaN and infinities, which JSON cannot hold, as null.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final double value)
    {
        if (Double.isFinite(value))
        {
            object.putRawValue(name, new RawValue(number(value)));
        }
        else
        {
            object.putNull(name);
        }
        return this;
    }

    static String number(final double value)
    {
        if (!Double.isFinite(value))
        {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return Long.toString((long)value);
        }
        // 6 significant digits never round past Double.MAX_VALUE (1.79769...e308), so every result reads back finite.
        return new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros().toString()
            .replace("E+", "e").replace('E', 'e');
    }

    /**
     * Adds an object field of counts.
     *
     * @param name   of the field.
     * @param counts name to count, in iteration order.
     * @return this.
     */
    public Json field(final String name, final Map<String, Long> counts)
    {
        final ObjectNode field = object.putObject(name);
        counts.forEach(field::put);
        return this;
    }

    /**
     * Adds a field of any value a summary holds: a whole number, a double (as {@link #field(String, double)}
     * writes it), a string, a boolean, null, a map (an object, in iteration order) or a list (an array), nested as
     * deep as they are; anything else as its string.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json value(final String name, final Object value)
    {
        object.set(name, node(value));
        return this;
    }

    private static JsonNode node(final Object value)
    {
        final JsonNodeFactory nodes = MAPPER.getNodeFactory();
        if (null == value)
        {
            return nodes.nullNode();
        }
        if (value instanceof Double || value instanceof Float)
        {
            final double number = ((Number)value).doubleValue();
            return Double.isFinite(number) ? nodes.rawValueNode(new RawValue(number(number))) : nodes.nullNode();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
        {
            return nodes.numberNode(((Number)value).longValue());
        }
        if (value instanceof BigInteger)
        {
            return nodes.numberNode((BigInteger)value);
        }
        if (value instanceof BigDecimal)
        {
            return nodes.numberNode((BigDecimal)value);
        }
        if (value instanceof Boolean)
        {
            return nodes.booleanNode((Boolean)value);
        }
        if (value instanceof Map)
        {
            final ObjectNode map = nodes.objectNode();
            ((Map<?, ?>)value).forEach((k, v) -> map.set(String.valueOf(k), node(v)));
            return map;
        }
        if (value instanceof Iterable)
        {
            final ArrayNode list = nodes.arrayNode();
            ((Iterable<?>)value).forEach((v) -> list.add(node(v)));
            return list;
        }
        return nodes.textNode(value.toString());
    }

    /**
     * The object, closed; fields may still be added after.
     *
     * @return the JSON text on one line.
     */
    public String toString()
    {
        try
        {
            return MAPPER.writeValueAsString(object);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Every control character as {@code \}{@code u00xx}, as the project's lines have always had them (Jackson's
     * default writes {@code \n} and {@code \t} short); quotes and backslashes as JSON requires.
     */
    private static final class ControlCharacterEscapes extends CharacterEscapes
    {
        private static final long serialVersionUID = 1L;

        private final int[] asciiEscapes = standardAsciiEscapesForJSON();

        ControlCharacterEscapes()
        {
            for (int c = 0; c < 0x20; c++)
            {
                asciiEscapes[c] = ESCAPE_CUSTOM;
            }
        }

        public int[] getEscapeCodesForAscii()
        {
            return asciiEscapes;
        }

        public SerializableString getEscapeSequence(final int ch)
        {
            // Jackson also asks about every character above ASCII: null leaves those as they are.
            return ch < 0x20 ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }
}
