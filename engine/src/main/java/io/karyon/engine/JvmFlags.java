package io.karyon.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM flags the engine and the libraries under it need on Java 17 and later (Agrona's, Affinity's and Chronicle's
 * access to JDK internals), checked when an organism launches: without one, Agrona fails later with an
 * {@link IllegalAccessError} from deep inside a buffer, or Chronicle without a cleaner or a generated class. The check
 * fails at once instead, with one line naming every missing flag exactly as it must be passed.
 * <p>
 * The flags are the parent pom's {@code karyon.jvm.flags}, which the build copies into the resource {@code jvm.flags}
 * beside this class: the launcher, surefire and this check read the one list. Only {@code --add-exports} and
 * {@code --add-opens} are checked ({@link Module#isExported(String, Module)} and {@link Module#isOpen(String, Module)}
 * toward this class's module, the unnamed module when the engine is on the class path); the {@code -D} properties in
 * the list are not, as a missing one breaks nothing at launch. A flag naming a module the runtime lacks is skipped:
 * the JVM would ignore it too.
 * <p>
 * <b>Note:</b> threadsafe: stateless.
 */
final class JvmFlags
{
    /**
     * The resource, beside this class, holding the flags as one line.
     */
    static final String RESOURCE = "jvm.flags";

    private static final String ADD_EXPORTS = "--add-exports=";
    private static final String ADD_OPENS = "--add-opens=";

    private JvmFlags()
    {
    }

    /**
     * Checks that every export and open the engine needs is in effect for the engine's module.
     *
     * @throws ConfigurationException naming, in one line, every missing flag as it must be passed to {@code java}.
     */
    static void check()
    {
        final List<String> missing = missing(required(), JvmFlags.class.getModule());
        if (!missing.isEmpty())
        {
            throw new ConfigurationException(message(missing));
        }
    }

    /**
     * The one-line message for missing flags.
     *
     * @param missing flags, as they must be passed.
     * @return the message.
     */
    static String message(final List<String> missing)
    {
        return "the JVM lacks flags the engine needs (Agrona and Chronicle reach JDK internals), pass them to java: " +
            String.join(" ", missing);
    }

    /**
     * The {@code --add-exports} and {@code --add-opens} flags of the engine's {@code jvm.flags} resource, in order.
     *
     * @return the flags the engine needs.
     */
    static List<String> required()
    {
        final String line;
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new KaryonException("the engine's jar lacks io/karyon/engine/" + RESOURCE + ": rebuild it");
            }
            line = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new KaryonException(KaryonException.Category.ERROR, "cannot read io/karyon/engine/" + RESOURCE, ex);
        }
        final List<String> flags = new ArrayList<>();
        for (final String token : line.trim().split("\\s+"))
        {
            if (token.startsWith(ADD_EXPORTS) || token.startsWith(ADD_OPENS))
            {
                flags.add(token);
            }
        }
        return flags;
    }

    /**
     * The flags not in effect for a module.
     *
     * @param flags  {@code --add-exports=module/package=target} or {@code --add-opens=...}; others are skipped.
     * @param target the module that needs the access (the engine's).
     * @return the flags among them that are not in effect, in order.
     */
    static List<String> missing(final List<String> flags, final Module target)
    {
        final List<String> missing = new ArrayList<>();
        for (final String flag : flags)
        {
            final boolean opens = flag.startsWith(ADD_OPENS);
            if (!opens && !flag.startsWith(ADD_EXPORTS))
            {
                continue;
            }
            final String spec = flag.substring(opens ? ADD_OPENS.length() : ADD_EXPORTS.length());
            final int slash = spec.indexOf('/');
            final int equals = spec.indexOf('=', slash + 1);
            if (slash <= 0 || equals <= slash + 1)
            {
                throw new KaryonException("malformed flag in io/karyon/engine/" + RESOURCE + ": " + flag);
            }
            final Optional<Module> module = ModuleLayer.boot().findModule(spec.substring(0, slash));
            if (module.isEmpty())
            {
                continue;
            }
            final String packageName = spec.substring(slash + 1, equals);
            final boolean inEffect = opens ?
                module.get().isOpen(packageName, target) : module.get().isExported(packageName, target);
            if (!inEffect)
            {
                missing.add(flag);
            }
        }
        return missing;
    }
}
