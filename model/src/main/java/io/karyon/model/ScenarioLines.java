package io.karyon.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each key of a TOML text is written: the line of every key path, whether written under a {@code [table]}
 * header, as a dotted key ({@code run.cells = 5}) or inside an inline table ({@code run = { cells = 5 }}), and of
 * every table, header or implied. Jackson's TOML reader builds a tree without positions, so a scenario's errors
 * find their line here.
 * <p>
 * Lenient by design: it is run on text Jackson accepted (and on text it rejected, to place a duplicate key), never
 * fails, and always moves forward; a key it cannot place has no line.
 */
final class ScenarioLines
{
    private final String text;
    private final Map<List<String>, Integer> lines = new HashMap<>();
    private final Set<List<String>> assigned = new HashSet<>();
    private int index;
    private int line = 1;
    private int duplicateLine;

    private ScenarioLines(final String text)
    {
        this.text = text;
    }

    /**
     * Locates the keys of a text.
     *
     * @param text TOML, well-formed or not.
     * @return the lines.
     */
    static ScenarioLines of(final String text)
    {
        final ScenarioLines lines = new ScenarioLines(text);
        lines.document();
        return lines;
    }

    /**
     * The line a key or table is written on.
     *
     * @param path     of the key, e.g. {@code ["run", "cells"]}.
     * @param fallback line when the key is not found.
     * @return the 1-based line.
     */
    int line(final List<String> path, final int fallback)
    {
        final Integer found = lines.get(path);
        return null == found ? fallback : found;
    }

    /**
     * The line of the first key given a value twice, 0 if none is.
     *
     * @return the line, or 0.
     */
    int duplicateLine()
    {
        return duplicateLine;
    }

    private void document()
    {
        List<String> table = List.of();
        while (index < text.length())
        {
            skipBlanks();
            if (index >= text.length())
            {
                break;
            }
            final char c = text.charAt(index);
            if ('\n' == c || '\r' == c || '#' == c)
            {
                skipRestOfLine();
            }
            else if ('[' == c)
            {
                table = header(table);
            }
            else
            {
                final int keyLine = line;
                final List<String> path = concat(table, keyPath());
                skipBlanks();
                if (index < text.length() && '=' == text.charAt(index))
                {
                    index++;
                    assign(path, keyLine);
                    value(path);
                }
                skipRestOfLine();
            }
        }
    }

    private List<String> header(final List<String> current)
    {
        final int headerLine = line;
        index++;
        final boolean arrayOfTables = index < text.length() && '[' == text.charAt(index);
        if (arrayOfTables)
        {
            index++;
        }
        final List<String> path = keyPath();
        skipRestOfLine();
        if (path.isEmpty())
        {
            return current;
        }
        record(path, headerLine);
        return path;
    }

    private List<String> keyPath()
    {
        final List<String> path = new ArrayList<>();
        while (index < text.length())
        {
            skipBlanks();
            final String key = key();
            if (null == key)
            {
                break;
            }
            path.add(key);
            skipBlanks();
            if (index < text.length() && '.' == text.charAt(index))
            {
                index++;
            }
            else
            {
                break;
            }
        }
        return path;
    }

    private String key()
    {
        if (index >= text.length())
        {
            return null;
        }
        final char c = text.charAt(index);
        if ('"' == c || '\'' == c)
        {
            return quoted(c);
        }
        final int start = index;
        while (index < text.length() && isBareKeyChar(text.charAt(index)))
        {
            index++;
        }
        return start == index ? null : text.substring(start, index);
    }

    private static boolean isBareKeyChar(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c || '-' == c;
    }

    /**
     * A one-line string from its opening quote; basic strings ({@code "}) have backslash escapes, literal ones not.
     */
    private String quoted(final char quote)
    {
        final StringBuilder sb = new StringBuilder();
        index++;
        while (index < text.length())
        {
            final char c = text.charAt(index);
            if (quote == c)
            {
                index++;
                break;
            }
            if ('\n' == c)
            {
                break;
            }
            if ('\\' == c && '"' == quote && index + 1 < text.length())
            {
                index++;
                sb.append(text.charAt(index));
            }
            else
            {
                sb.append(c);
            }
            index++;
        }
        return sb.toString();
    }

    private void value(final List<String> path)
    {
        skipBlanks();
        if (index >= text.length())
        {
            return;
        }
        final char c = text.charAt(index);
        if (('"' == c || '\'' == c) && text.startsWith(String.valueOf(c).repeat(3), index))
        {
            multiLineString(c);
        }
        else if ('"' == c || '\'' == c)
        {
            quoted(c);
        }
        else if ('[' == c)
        {
            array();
        }
        else if ('{' == c)
        {
            inlineTable(path);
        }
        else
        {
            while (index < text.length() && ",]}#\r\n".indexOf(text.charAt(index)) < 0)
            {
                index++;
            }
        }
    }

    private void multiLineString(final char quote)
    {
        index += 3;
        while (index < text.length())
        {
            final char c = text.charAt(index);
            if ('\\' == c && '"' == quote)
            {
                index++;
                if (index < text.length() && '\n' == text.charAt(index))
                {
                    line++;
                }
            }
            else if ('\n' == c)
            {
                line++;
            }
            else if (quote == c && text.startsWith(String.valueOf(c).repeat(3), index))
            {
                index += 3;
                // Up to two more quotes belong to the string: """a""""" is a"".
                for (int more = 0; more < 2 && index < text.length() && quote == text.charAt(index); more++)
                {
                    index++;
                }
                return;
            }
            index++;
        }
    }

    private void array()
    {
        index++;
        while (index < text.length())
        {
            skipBlanksAndNewlines();
            if (index >= text.length())
            {
                return;
            }
            final char c = text.charAt(index);
            if (']' == c)
            {
                index++;
                return;
            }
            final int before = index;
            if (',' != c)
            {
                // Keys of inline tables in an array have no single place: they are not recorded.
                value(null);
            }
            if (index < text.length() && (',' == text.charAt(index) || before == index))
            {
                index++;
            }
        }
    }

    private void inlineTable(final List<String> path)
    {
        index++;
        while (index < text.length())
        {
            skipBlanks();
            if (index >= text.length())
            {
                return;
            }
            final char c = text.charAt(index);
            if ('}' == c || '\n' == c)
            {
                index += '}' == c ? 1 : 0;
                return;
            }
            final int before = index;
            final int keyLine = line;
            final List<String> keys = keyPath();
            skipBlanks();
            if (!keys.isEmpty() && index < text.length() && '=' == text.charAt(index))
            {
                index++;
                final List<String> full = null == path ? null : concat(path, keys);
                if (null != full)
                {
                    assign(full, keyLine);
                }
                value(full);
                skipBlanks();
            }
            if (index < text.length() && (',' == text.charAt(index) || before == index))
            {
                index++;
            }
        }
    }

    private void assign(final List<String> path, final int keyLine)
    {
        if (!assigned.add(path) && 0 == duplicateLine)
        {
            duplicateLine = keyLine;
        }
        record(path, keyLine);
    }

    /**
     * Records a path's line, and the line of each table it implies that has none yet.
     */
    private void record(final List<String> path, final int pathLine)
    {
        for (int length = 1; length <= path.size(); length++)
        {
            lines.putIfAbsent(List.copyOf(path.subList(0, length)), pathLine);
        }
    }

    private static List<String> concat(final List<String> table, final List<String> keys)
    {
        final List<String> path = new ArrayList<>(table);
        path.addAll(keys);
        return path;
    }

    private void skipBlanks()
    {
        while (index < text.length() && (' ' == text.charAt(index) || '\t' == text.charAt(index)))
        {
            index++;
        }
    }

    private void skipBlanksAndNewlines()
    {
        while (index < text.length())
        {
            final char c = text.charAt(index);
            if ('\n' == c)
            {
                line++;
            }
            else if ('#' == c)
            {
                while (index + 1 < text.length() && '\n' != text.charAt(index + 1))
                {
                    index++;
                }
            }
            else if (' ' != c && '\t' != c && '\r' != c)
            {
                return;
            }
            index++;
        }
    }

    private void skipRestOfLine()
    {
        while (index < text.length())
        {
            final char c = text.charAt(index++);
            if ('\n' == c)
            {
                line++;
                return;
            }
        }
    }
}
