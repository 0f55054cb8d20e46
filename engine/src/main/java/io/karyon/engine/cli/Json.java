package io.karyon.engine.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Builds one JSON object on one line, fields in the order they are added: the report format of {@code karyon run
 * --json} and of every workload.
 * <p>
 * <b>Note:</b> not threadsafe.
 */
public final class Json
{
    private static final MathContext SIGNIFICANT = new MathContext(6, RoundingMode.HALF_EVEN);

    private final StringBuilder sb = new StringBuilder(256).append('{');

    /**
     * Adds a string field.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final String value)
    {
        name(name);
        quote(value);
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
        name(name);
        sb.append(value);
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
        name(name);
        sb.append(value);
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
        name(name);
        sb.append(number(value));
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
        name(name);
        sb.append('{');
        boolean first = true;
        for (final Map.Entry<String, Long> entry : counts.entrySet())
        {
            if (!first)
            {
                sb.append(',');
            }
            first = false;
            quote(entry.getKey());
            sb.append(':').append(entry.getValue().longValue());
        }
        sb.append('}');
        return this;
    }

    /**
     * The object, closed.
     *
     * @return the JSON text on one line.
     */
    public String toString()
    {
        return sb + "}";
    }

    private void name(final String name)
    {
        if (sb.length() > 1)
        {
            sb.append(',');
        }
        quote(name);
        sb.append(':');
    }

    private void quote(final String value)
    {
        sb.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if ('"' == c || '\\' == c)
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
