package io.karyon.cli;

import io.karyon.model.Parameter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runs of a sweep: each combination of the varied parameters' values (the first {@code --vary} varying slowest)
 * times each seed (fastest), in that order, each with an id that names its folder. An id is built from the values, not
 * the run's position, so that running the same sweep again, or one with more values or seeds, finds the runs already
 * done.
 * <p>
 * <b>Note:</b> immutable once made.
 */
final class SweepPlan
{
    private static final Pattern VARY = Pattern.compile("([^=]*)=(.*)", Pattern.DOTALL);
    private static final Pattern RANGE = Pattern.compile("([^:]+):([^:]+):([^:]+)");
    private static final int MAX_ID_LENGTH = 200;

    /**
     * One varied parameter and its values, as text for the command line.
     *
     * @param name   of the parameter.
     * @param values in the order given, each checked.
     */
    record Axis(String name, List<String> values)
    {
    }

    /**
     * One run of the sweep.
     *
     * @param index  position in run order, from 0.
     * @param id     folder name under {@code runs/}.
     * @param values the value of each axis, in axis order.
     * @param seed   of the run.
     */
    record Run(int index, String id, List<String> values, long seed)
    {
    }

    private final List<Axis> axes;
    private final List<Long> seeds;
    private final List<Run> runs;

    SweepPlan(final List<Axis> axes, final List<Long> seeds)
    {
        this.axes = List.copyOf(axes);
        this.seeds = List.copyOf(seeds);
        this.runs = runs(this.axes, this.seeds);
    }

    List<Axis> axes()
    {
        return axes;
    }

    List<Long> seeds()
    {
        return seeds;
    }

    List<Run> runs()
    {
        return runs;
    }

    /**
     * Parses one {@code --vary NAME=V1,V2,...} or {@code --vary NAME=A:B:N} against the parameters.
     *
     * @param text       as given.
     * @param parameters of the target, by name.
     * @param target     names the target in errors, e.g. "model sir".
     * @return the axis.
     * @throws IllegalArgumentException in one line naming the option, the text and what is wrong.
     */
    static Axis axis(final String text, final Map<String, Parameter> parameters, final String target)
    {
        final Matcher matcher = VARY.matcher(text);
        if (!matcher.matches() || matcher.group(1).isBlank() || matcher.group(2).isBlank())
        {
            throw new IllegalArgumentException("--vary " + text + ": expected NAME=V1,V2,... or NAME=A:B:N");
        }
        final String name = matcher.group(1).strip();
        final Parameter parameter = parameters.get(name);
        if (null == parameter)
        {
            throw new IllegalArgumentException("--vary " + text + ": " + target + " has no parameter " + name +
                "; known: " + String.join(", ", parameters.keySet()));
        }
        final String values = matcher.group(2).strip();
        final Matcher range = RANGE.matcher(values);
        final boolean numeric = Parameter.Type.INTEGER == parameter.type() || Parameter.Type.NUMBER == parameter.type();
        final List<String> list = numeric && range.matches() ?
            range(text, parameter, range.group(1).strip(), range.group(2).strip(), range.group(3).strip()) :
            List.of(values.split(",", -1));
        final List<String> checked = new ArrayList<>(list.size());
        final Set<Object> seen = new HashSet<>();
        for (final String value : list)
        {
            final Object parsed;
            try
            {
                parsed = parameter.parse(value.strip());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--vary " + text + ": " + ex.getMessage());
            }
            if (!seen.add(parsed))
            {
                throw new IllegalArgumentException("--vary " + text + ": value " + value.strip() + " comes twice");
            }
            checked.add(value.strip());
        }
        return new Axis(name, checked);
    }

    /**
     * N values from A to B inclusive, evenly spaced; integers, rounded, for an integer parameter.
     */
    private static List<String> range(
        final String text, final Parameter parameter, final String from, final String to, final String count)
    {
        final int n;
        final BigDecimal a;
        final BigDecimal b;
        try
        {
            n = Integer.parseInt(count);
            a = new BigDecimal(from);
            b = new BigDecimal(to);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--vary " + text + ": A:B:N needs numbers A and B and a count N");
        }
        if (n < 1 || n > 10_000 || (1 == n && a.compareTo(b) != 0))
        {
            throw new IllegalArgumentException("--vary " + text + ": N must be in 2..10000 (1 only when A = B), was " +
                count);
        }
        final boolean integer = Parameter.Type.INTEGER == parameter.type();
        if (integer && (a.stripTrailingZeros().scale() > 0 || b.stripTrailingZeros().scale() > 0))
        {
            throw new IllegalArgumentException("--vary " + text + ": " + parameter.name() +
                " is an integer parameter: A and B must be integers");
        }
        final List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final BigDecimal step = 1 == n ? BigDecimal.ZERO :
                b.subtract(a).multiply(BigDecimal.valueOf(i)).divide(BigDecimal.valueOf(n - 1), MathContext.DECIMAL64);
            final BigDecimal value = a.add(step, MathContext.DECIMAL64);
            values.add(integer ? value.setScale(0, RoundingMode.HALF_UP).toPlainString() :
                value.round(new MathContext(12)).stripTrailingZeros().toPlainString());
        }
        return values;
    }

    /**
     * The seeds of {@code --seeds N} (1..N) or {@code --seed-list}.
     *
     * @param count    of --seeds, or null.
     * @param list     of --seed-list, or null.
     * @return the seeds.
     * @throws IllegalArgumentException in one line.
     */
    static List<Long> seeds(final Integer count, final String list)
    {
        if (null != count && null != list)
        {
            throw new IllegalArgumentException("--seeds and --seed-list: give one or the other");
        }
        final List<Long> seeds = new ArrayList<>();
        if (null != list)
        {
            for (final String element : list.split(",", -1))
            {
                final long seed;
                try
                {
                    seed = Long.parseLong(element.strip());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IllegalArgumentException("--seed-list " + list + ": '" + element + "' is not a seed");
                }
                if (seeds.contains(seed))
                {
                    throw new IllegalArgumentException("--seed-list " + list + ": seed " + seed + " comes twice");
                }
                seeds.add(seed);
            }
            return seeds;
        }
        final int n = null == count ? 1 : count;
        if (n < 1 || n > 1_000_000)
        {
            throw new IllegalArgumentException("--seeds must be in 1..1000000, was " + n);
        }
        for (long seed = 1; seed <= n; seed++)
        {
            seeds.add(seed);
        }
        return seeds;
    }

    private static List<Run> runs(final List<Axis> axes, final List<Long> seeds)
    {
        final List<Run> runs = new ArrayList<>();
        final Set<String> ids = new HashSet<>();
        final int[] position = new int[axes.size()];
        long combinations = 1;
        for (final Axis axis : axes)
        {
            combinations *= axis.values().size();
        }
        if (combinations * seeds.size() > 1_000_000)
        {
            throw new IllegalArgumentException("a sweep of " + combinations * seeds.size() +
                " runs is more than 1000000");
        }
        for (long c = 0; c < combinations; c++)
        {
            final List<String> values = new ArrayList<>(axes.size());
            for (int a = 0; a < axes.size(); a++)
            {
                values.add(axes.get(a).values().get(position[a]));
            }
            for (final long seed : seeds)
            {
                final Run run = new Run(runs.size(), id(axes, values, seed), List.copyOf(values), seed);
                if (!ids.add(run.id()))
                {
                    throw new IllegalArgumentException("two runs would share the folder runs/" + run.id() +
                        ": choose values without '_'");
                }
                runs.add(run);
            }
            for (int a = axes.size() - 1; a >= 0; a--)
            {
                if (++position[a] < axes.get(a).values().size())
                {
                    break;
                }
                position[a] = 0;
            }
        }
        return runs;
    }

    /**
     * A run's folder name, e.g. {@code beta-0.02_contacts-10_seed-3}: bytes other than letters, digits, '.', '+', '-'
     * and '_' are written %XX; a name too long for a file system becomes a hash. Text values with '_' could make two
     * runs' names the same: {@link #runs} refuses such a plan.
     */
    static String id(final List<Axis> axes, final List<String> values, final long seed)
    {
        final StringBuilder id = new StringBuilder();
        for (int a = 0; a < axes.size(); a++)
        {
            id.append(axes.get(a).name()).append('-');
            for (final byte b : values.get(a).getBytes(StandardCharsets.UTF_8))
            {
                final char c = (char)(b & 0xff);
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '.' == c ||
                    '+' == c || '-' == c || '_' == c)
                {
                    id.append(c);
                }
                else
                {
                    id.append('%').append(String.format("%02X", b & 0xff));
                }
            }
            id.append('_');
        }
        id.append("seed-").append(seed);
        return id.length() <= MAX_ID_LENGTH ? id.toString() : "run-" + sha256(id.toString());
    }

    private static String sha256(final String text)
    {
        try
        {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            final StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 12; i++)
            {
                hex.append(String.format("%02x", hash[i] & 0xff));
            }
            return hex.toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
