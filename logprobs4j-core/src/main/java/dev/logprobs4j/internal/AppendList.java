package dev.logprobs4j.internal;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list that can be concatenated in amortised O(size of the right side).
 *
 * <p>Views share one growing array. A view may extend the array in place only while it is the
 * longest view of that array; any other view copies first. So {@code a.concat(b)} never changes
 * what {@code a} (or any other existing view) shows, and folding n one-element lists one by one is
 * O(n) overall instead of the O(n²) of copying lists. Thread-safe: the append is claimed under the
 * buffer's lock, and elements below a view's length are never written again.
 */
public final class AppendList<E> extends AbstractList<E> implements RandomAccess {

    private static final AppendList<Object> EMPTY = new AppendList<>(new Buffer(0), 0);

    /** The shared storage; {@code used} is the length of its longest view. */
    private static final class Buffer {
        volatile Object[] elements;
        int used; // guarded by this

        Buffer(int capacity) {
            this.elements = new Object[capacity];
        }
    }

    private final Buffer buffer;
    private final int size;

    private AppendList(Buffer buffer, int size) {
        this.buffer = buffer;
        this.size = size;
    }

    /** The empty list. */
    @SuppressWarnings("unchecked")
    public static <E> AppendList<E> empty() {
        return (AppendList<E>) EMPTY;
    }

    /** An immutable copy of {@code list} (returned as is when it is already an AppendList). */
    public static <E> AppendList<E> copyOf(List<? extends E> list) {
        if (list instanceof AppendList) {
            @SuppressWarnings("unchecked")
            AppendList<E> same = (AppendList<E>) list;
            return same;
        }
        if (list.isEmpty()) {
            return empty();
        }
        Object[] elements = list.toArray();
        for (Object e : elements) {
            Objects.requireNonNull(e, "list elements must not be null");
        }
        Buffer buffer = new Buffer(0);
        buffer.elements = elements;
        buffer.used = elements.length;
        return new AppendList<>(buffer, elements.length);
    }

    /** This list followed by {@code tail}; neither is changed. */
    public AppendList<E> concat(List<? extends E> tail) {
        if (tail.isEmpty()) {
            return this;
        }
        if (size == 0) {
            return copyOf(tail);
        }
        int added = tail.size();
        Buffer b = buffer;
        synchronized (b) {
            if (b.used == size) {
                Object[] elements = b.elements;
                int newSize = Math.addExact(size, added);
                if (newSize > elements.length) {
                    elements = Arrays.copyOf(elements, Math.max(newSize, elements.length * 2));
                }
                int i = size;
                for (E e : tail) {
                    elements[i++] = Objects.requireNonNull(e, "list elements must not be null");
                }
                b.elements = elements; // volatile write publishes the new elements
                b.used = newSize;
                return new AppendList<>(b, newSize);
            }
        }
        // Another view already extended this buffer: copy so that view keeps what it shows.
        Object[] elements = Arrays.copyOf(b.elements, Math.max(size + added, size * 2));
        int i = size;
        for (E e : tail) {
            elements[i++] = Objects.requireNonNull(e, "list elements must not be null");
        }
        Buffer copy = new Buffer(0);
        copy.elements = elements;
        copy.used = size + added;
        return new AppendList<>(copy, size + added);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(int index) {
        Objects.checkIndex(index, size);
        return (E) buffer.elements[index];
    }

    @Override
    public int size() {
        return size;
    }
}
