package io.karyon.cli;

import io.karyon.engine.Configuration;
import io.karyon.engine.ConfigurationException;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.math.BigDecimal;

/**
 * The defaults of the options that set an organism's {@link Configuration}, read from it when a command line is
 * parsed: so a {@code karyon.*} system property (e.g. {@code KARYON_JAVA_OPTS="-Dkaryon.engine.seed=5"}) is what a
 * command runs with unless its option is given, and {@code --help} shows the value in force.
 * <p>
 * An option not listed here keeps the default its command declares.
 */
public final class ConfigurationDefaults implements IDefaultValueProvider
{
    /** {@code --seed}: {@link Configuration#SEED_PROP_NAME}. */
    public static final String SEED = "--seed";
    /** {@code --workers}: {@link Configuration#WORKER_COUNT_PROP_NAME}. */
    public static final String WORKERS = "--workers";
    /** {@code --idle}: {@link Configuration#IDLE_STRATEGY_PROP_NAME}. */
    public static final String IDLE = "--idle";
    /** {@code --policy}: {@link Configuration#BIND_TYPE_PROP_NAME}. */
    public static final String POLICY = "--policy";
    /** {@code --no-pin}: the negation of {@link Configuration#PIN_PROP_NAME}. */
    public static final String NO_PIN = "--no-pin";
    /** {@code --watchdog}: {@link Configuration#WATCHDOG_PROP_NAME}, in seconds. */
    public static final String WATCHDOG = "--watchdog";

    /**
     * {@inheritDoc}
     */
    public String defaultValue(final ArgSpec argSpec)
    {
        if (!argSpec.isOption())
        {
            return null;
        }
        switch (((OptionSpec)argSpec).longestName())
        {
            case SEED:
                return Long.toString(Configuration.seed());
            case WORKERS:
                return Integer.toString(Configuration.workerCount());
            case IDLE:
                return Configuration.idleStrategy();
            case POLICY:
                return Configuration.bindType();
            case NO_PIN:
                return Boolean.toString(!Configuration.pin());
            case WATCHDOG:
                return watchdogSeconds();
            default:
                return null;
        }
    }

    /**
     * The watchdog property in seconds, or, if it is not a duration, as it is: the option's check then names it.
     */
    private static String watchdogSeconds()
    {
        try
        {
            return BigDecimal.valueOf(Configuration.watchdogNs()).movePointLeft(9).stripTrailingZeros()
                .toPlainString();
        }
        catch (final ConfigurationException ex)
        {
            return System.getProperty(Configuration.WATCHDOG_PROP_NAME);
        }
    }
}
