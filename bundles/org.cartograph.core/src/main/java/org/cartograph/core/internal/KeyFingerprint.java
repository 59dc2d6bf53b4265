package org.cartograph.core.internal;

import java.util.concurrent.ThreadLocalRandom;

import org.cartograph.capture.ConnectionView;

/**
 * The 128-bit fingerprint {@link ConnectionTable} keeps instead of a connection's key: two 64-bit
 * hashes of the addresses, ports, protocol, network namespace and socket cookie, with seeds drawn
 * per instance so that tuples cannot be crafted to collide. Not thread-safe.
 */
final class KeyFingerprint {

    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xC2B2AE3D27D4EB4FL;
    private final long seed1 = ThreadLocalRandom.current().nextLong();
    private final long seed2 = ThreadLocalRandom.current().nextLong();
    private long second;

    /**
     * Hashes the whole key twice at once, in two lanes with their own seed and multiplier (the lanes
     * are independent, so the processor runs them side by side): each field is mixed in by a
     * multiply and a shift; MurmurHash3's finalizer ends each lane.
     *
     * @return the first hash; {@link #second()} then returns the second
     */
    long hash(ConnectionView c, long meta) {
        long h1 = seed1;
        long h2 = seed2;
        long x = c.localAddressHigh();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        x = c.localAddressLow();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        x = c.remoteAddressHigh();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        x = c.remoteAddressLow();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        h1 = step(h1, meta, K1);
        h2 = step(h2, meta, K2);
        x = c.netns();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        x = c.cookie();
        h1 = step(h1, x, K1);
        h2 = step(h2, x, K2);
        second = fmix(h2);
        return fmix(h1);
    }

    private static long step(long h, long x, long k) {
        h = (h ^ x) * k;
        return h ^ (h >>> 29);
    }

    private static long fmix(long k) {
        k = (k ^ (k >>> 33)) * 0xFF51AFD7ED558CCDL;
        k = (k ^ (k >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return k ^ (k >>> 33);
    }

    /** @return the second hash of the last {@link #hash} */
    long second() {
        return second;
    }
}
