package org.cartograph.core.internal;

import java.util.function.Predicate;

import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.IpPrefix;

/**
 * A persistent binary trie over the 128-bit address form for longest-prefix lookups (IPv4
 * prefixes sit under the IPv4-mapped range). Nodes never change: an update copies the path to the
 * changed node (at most 128 nodes) and returns a new trie, so readers use whatever version they
 * hold without locks while a writer builds the next one.
 *
 * @param <V> the value stored per prefix
 */
final class PrefixTrie<V> {

    private record Node<V>(Node<V> zero, Node<V> one, V value) {
    }

    private static final PrefixTrie<?> EMPTY = new PrefixTrie<>(null, 0);

    private final Node<V> root;
    private final int size;

    private PrefixTrie(Node<V> root, int size) {
        this.root = root;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <V> PrefixTrie<V> empty() {
        return (PrefixTrie<V>) EMPTY;
    }

    /** @return a trie with the prefix mapped to the value */
    PrefixTrie<V> put(IpPrefix prefix, V value) {
        int[] added = {0};
        Node<V> r = put(root, prefix.address(), prefix.length128(), 0, value, added);
        return new PrefixTrie<>(r, size + added[0]);
    }

    private static <V> Node<V> put(Node<V> n, IpAddress a, int bits, int depth, V value, int[] added) {
        if (depth == bits) {
            if (n == null || n.value() == null) {
                added[0] = 1;
            }
            return new Node<>(n == null ? null : n.zero(), n == null ? null : n.one(), value);
        }
        Node<V> zero = n == null ? null : n.zero();
        Node<V> one = n == null ? null : n.one();
        V v = n == null ? null : n.value();
        return bit(a, depth) ? new Node<>(zero, put(one, a, bits, depth + 1, value, added), v)
                : new Node<>(put(zero, a, bits, depth + 1, value, added), one, v);
    }

    /** @return a trie without the prefix if its value is one the predicate accepts, else this */
    PrefixTrie<V> remove(IpPrefix prefix, Predicate<V> which) {
        Node<V> n = root;
        int bits = prefix.length128();
        for (int i = 0; i < bits && n != null; i++) {
            n = bit(prefix.address(), i) ? n.one() : n.zero();
        }
        if (n == null || n.value() == null || !which.test(n.value())) {
            return this;
        }
        return new PrefixTrie<>(clear(root, prefix.address(), bits, 0), size - 1);
    }

    private static <V> Node<V> clear(Node<V> n, IpAddress a, int bits, int depth) {
        Node<V> copy = depth == bits ? new Node<>(n.zero(), n.one(), null)
                : bit(a, depth) ? new Node<>(n.zero(), clear(n.one(), a, bits, depth + 1), n.value())
                : new Node<>(clear(n.zero(), a, bits, depth + 1), n.one(), n.value());
        return copy.zero() == null && copy.one() == null && copy.value() == null ? null : copy;
    }

    V longestMatch(IpAddress ip) {
        Node<V> n = root;
        V best = n == null ? null : n.value();
        for (int i = 0; i < 128 && n != null; i++) {
            n = bit(ip, i) ? n.one() : n.zero();
            if (n != null && n.value() != null) {
                best = n.value();
            }
        }
        return best;
    }

    int size() {
        return size;
    }

    private static boolean bit(IpAddress a, int i) {
        return i < 64 ? ((a.high() >>> (63 - i)) & 1) != 0 : ((a.low() >>> (127 - i)) & 1) != 0;
    }
}
