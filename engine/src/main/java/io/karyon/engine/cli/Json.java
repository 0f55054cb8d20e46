package io.karyon.engine.cli;

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
     * Adds a number field, written with up to 4 significant decimals (e.g. 1.93, 5.18e+07); NaN and infinities,
     * which JSON cannot hold, are written as null.
     *
     * @param name  of the field.
     * @param value of the field.
     * @return this.
     */
    public Json field(final String name, final double value)
    {
        name(name);
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            sb.append("null");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            sb.append((long)value);
        }
        else if (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)
        {
            sb.append(String.format(Locale.ROOT, "%.4g", value).replace("e+0", "e+").replace("e-0", "e-"));
        }
        else
        {
            sb.append(trim(String.format(Locale.ROOT, "%.4f", value)));
        }
        return this;
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

    private static String trim(final String decimal)
    {
        int end = decimal.length();
        while (decimal.charAt(end - 1) == '0')
        {
            end--;
        }
        if (decimal.charAt(end - 1) == '.')
        {
            end--;
        }
        return decimal.substring(0, end);
    }
}
