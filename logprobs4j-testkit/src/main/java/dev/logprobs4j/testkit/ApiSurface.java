package dev.logprobs4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A reflection scan of a module's API: the public and protected types, members and supertypes of
 * the packages its {@code module-info} exports to everyone (or, without one, of the packages whose
 * name has no {@code internal} segment) must not name a type of an {@code internal} package.
 * Stateless and thread-safe.
 *
 * {@snippet :
 * assertThat(ApiSurface.violations(OllamaChatModel.class)).isEmpty();
 * }
 */
public final class ApiSurface {

    private ApiSurface() {
    }

    /**
     * What leaks from the module (its classes directory or jar) that holds {@code anchor}: one line
     * per leak, e.g. {@code "dev.x.Model extends dev.x.internal.Base"}, sorted; empty when none.
     */
    public static List<String> violations(Class<?> anchor) {
        Path root = root(anchor);
        Set<String> names = new TreeSet<>();
        Set<String> exported = new HashSet<>();
        boolean[] hasDescriptor = {false};
        scan(root, (name, in) -> {
            if (name.equals("module-info.class")) {
                hasDescriptor[0] = true;
                ModuleDescriptor d = ModuleDescriptor.read(in);
                d.exports().stream().filter(e -> !e.isQualified()).forEach(e -> exported.add(e.source()));
            } else if (name.endsWith(".class")) {
                names.add(name.substring(0, name.length() - 6).replace('/', '.'));
            }
        });
        Set<String> out = new TreeSet<>();
        ClassLoader loader = anchor.getClassLoader();
        for (String name : names) {
            String pkg = name.lastIndexOf('.') < 0 ? "" : name.substring(0, name.lastIndexOf('.'));
            if (hasDescriptor[0] ? !exported.contains(pkg) : isInternal(pkg)) {
                continue;
            }
            Class<?> c;
            try {
                c = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name + " to scan it", e);
            }
            if (visible(c)) {
                check(c, out);
            }
        }
        return new ArrayList<>(out);
    }

    private static void check(Class<?> c, Set<String> out) {
        String who = c.getName();
        if (c.getGenericSuperclass() != null) {
            leaks(c.getGenericSuperclass(), who + " extends ", out, new HashSet<>());
        }
        for (Type i : c.getGenericInterfaces()) {
            leaks(i, who + " implements ", out, new HashSet<>());
        }
        for (Method m : c.getMethods()) {
            if (isInternal(m.getDeclaringClass().getPackageName())) {
                out.add(who + " inherits public " + m.getName() + "(...) from " + m.getDeclaringClass().getName());
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (reachable(c, m) && !m.isSynthetic()) {
                String at = who + "." + m.getName() + "(...) ";
                leaks(m.getGenericReturnType(), at + "returns ", out, new HashSet<>());
                signature(m, at, out);
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (reachable(c, k) && !k.isSynthetic()) {
                signature(k, who + ".<init>(...) ", out);
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (reachable(c, f) && !f.isSynthetic()) {
                leaks(f.getGenericType(), who + "." + f.getName() + " has type ", out, new HashSet<>());
            }
        }
    }

    private static void signature(Executable e, String at, Set<String> out) {
        for (Type t : e.getGenericParameterTypes()) {
            leaks(t, at + "takes ", out, new HashSet<>());
        }
        for (Type t : e.getGenericExceptionTypes()) {
            leaks(t, at + "throws ", out, new HashSet<>());
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            leaks(v, at + "has type parameter ", out, new HashSet<>());
        }
    }

    /** Public members, and protected ones of classes that outside code can extend (those of a final class are unreachable). */
    private static boolean reachable(Class<?> c, Member m) {
        int mod = m.getModifiers();
        return Modifier.isPublic(mod) || Modifier.isProtected(mod) && !Modifier.isFinal(c.getModifiers());
    }

    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static void leaks(Type t, String what, Set<String> out, Set<Type> seen) {
        if (!seen.add(t)) {
            return;
        }
        if (t instanceof Class<?> k) {
            Class<?> base = k;
            while (base.isArray()) {
                base = base.getComponentType();
            }
            if (!base.isPrimitive() && isInternal(base.getPackageName())) {
                out.add(what + base.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            leaks(p.getRawType(), what, out, seen);
            for (Type a : p.getActualTypeArguments()) {
                leaks(a, what, out, seen);
            }
        } else if (t instanceof GenericArrayType g) {
            leaks(g.getGenericComponentType(), what, out, seen);
        } else if (t instanceof WildcardType w) {
            Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(b -> leaks(b, what, out, seen));
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                leaks(b, what, out, seen);
            }
        }
    }

    private static boolean isInternal(String pkg) {
        return pkg.endsWith(".internal") || pkg.contains(".internal.");
    }

    private interface Visitor {
        void visit(String name, InputStream in) throws IOException;
    }

    private static Path root(Class<?> anchor) {
        try {
            return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + anchor.getName(), e);
        }
    }

    private static void scan(Path root, Visitor visitor) {
        try {
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        try (InputStream in = Files.newInputStream(f)) {
                            visitor.visit(root.relativize(f).toString().replace('\\', '/'), in);
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (var e : (Iterable<java.util.jar.JarEntry>) jar.stream()::iterator) {
                        try (InputStream in = jar.getInputStream(e)) {
                            visitor.visit(e.getName(), in);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
