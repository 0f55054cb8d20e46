package io.karyon.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The models a class loader offers: every {@link Model} listed in a {@code META-INF/services/io.karyon.model.Model}
 * it can see (the built-in ones, and those in jars a {@code --classpath} adds), found with {@link ServiceLoader}.
 * <p>
 * <b>Note:</b> immutable once loaded; the models themselves are shared, see {@link Model}.
 */
public final class ModelCatalog
{
    private final List<Model> models;

    private ModelCatalog(final List<Model> models)
    {
        this.models = Collections.unmodifiableList(models);
    }

    /**
     * Loads every model a class loader lists.
     *
     * @param loader to search, e.g. the context class loader or one over {@code --classpath} jars.
     * @return the catalog, sorted by name.
     * @throws IllegalArgumentException with one line naming the cause, if a listed model cannot be loaded or
     *                                  instantiated, or two models have the same name.
     */
    public static ModelCatalog load(final ClassLoader loader)
    {
        final List<Model> found = new ArrayList<>();
        final Iterator<Model> it = ServiceLoader.load(Model.class, loader).iterator();
        while (true)
        {
            try
            {
                if (!it.hasNext())
                {
                    break;
                }
                found.add(it.next());
            }
            catch (final ServiceConfigurationError ex)
            {
                throw new IllegalArgumentException("cannot load a model: " + oneLine(ex), ex);
            }
        }
        return of(found);
    }

    /**
     * A catalog of the models given (for tests and embedders who construct their models themselves).
     *
     * @param models to list.
     * @return the catalog, sorted by name.
     * @throws IllegalArgumentException if two models have the same name or a name is not lower case letters,
     *                                  digits, '-' and '_'.
     */
    public static ModelCatalog of(final List<? extends Model> models)
    {
        final List<Model> sorted = new ArrayList<>(models);
        sorted.sort(Comparator.comparing(Model::name));
        for (int i = 0; i < sorted.size(); i++)
        {
            final Model model = sorted.get(i);
            final String name = model.name();
            if (null == name || !name.matches("[a-z0-9][a-z0-9_-]*"))
            {
                throw new IllegalArgumentException("model " + model.getClass().getName() +
                    " has a bad name: '" + name + "' (lower case letters, digits, '-' and '_')");
            }
            if (i > 0 && name.equals(sorted.get(i - 1).name()))
            {
                throw new IllegalArgumentException("two models named " + name + ": " +
                    sorted.get(i - 1).getClass().getName() + " and " + model.getClass().getName());
            }
        }
        return new ModelCatalog(sorted);
    }

    private static String oneLine(final Throwable ex)
    {
        final Throwable cause = null != ex.getCause() ? ex.getCause() : ex;
        final String message = String.valueOf(ex.getMessage()).replace('\n', ' ');
        return cause == ex ? message : message + ": " + String.valueOf(cause).replace('\n', ' ');
    }

    /**
     * Every model, sorted by name.
     *
     * @return the models, unmodifiable.
     */
    public List<Model> models()
    {
        return models;
    }

    /**
     * The model of a name.
     *
     * @param name as {@link Model#name()} gives it.
     * @return the model.
     * @throws IllegalArgumentException "unknown model X; known: a, b" if there is none.
     */
    public Model find(final String name)
    {
        for (final Model model : models)
        {
            if (model.name().equals(name))
            {
                return model;
            }
        }
        final List<String> names = new ArrayList<>();
        for (final Model model : models)
        {
            names.add(model.name());
        }
        throw new IllegalArgumentException("unknown model " + name + "; known: " +
            (names.isEmpty() ? "none" : String.join(", ", names)));
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "ModelCatalog" + models;
    }
}
