package org.cartograph.core.internal;

import java.util.function.Predicate;

import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.IpPrefix;

/**
 * A binary trie over the 128-bit address form for longest-prefix lookups (IPv4 prefixes sit
 * under the IPv4-mapped range). Lookups walk at most 128 nodes. Not thread-safe: the store
 * guards it.
 *
 * @param <V> the value stored per prefix
 */
final class PrefixTrie<V> {

    private static final class Node<V> {
        Node<V> zero;
        Node<V> one;
        V value;
    }

    private final Node<V> root = new Node<>();
    private int size;

    void put(IpPrefix prefix, V value) {
        Node<V> n = root;
        int bits = prefix.length128();
        for (int i = 0; i < bits; i++) {
            if (bit(prefix.address(), i)) {
                n = n.one != null ? n.one : (n.one = new Node<>());
            } else {
                n = n.zero != null ? n.zero : (n.zero = new Node<>());
            }
        }
        if (n.value == null) {
            size++;
        }
        n.value = value;
    }

    /** Removes the prefix if it maps to a value the predicate accepts (nodes are left; they are few). */
    void remove(IpPrefix prefix, Predicate<V> which) {
        Node<V> n = root;
        int bits = prefix.length128();
        for (int i = 0; i < bits && n != null; i++) {
            n = bit(prefix.address(), i) ? n.one : n.zero;
        }
        if (n != null && n.value != null && which.test(n.value)) {
            n.value = null;
            size--;
        }
    }

    V longestMatch(IpAddress ip) {
        Node<V> n = root;
        V best = root.value;
        for (int i = 0; i < 128 && n != null; i++) {
            n = bit(ip, i) ? n.one : n.zero;
            if (n != null && n.value != null) {
                best = n.value;
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
