package org.cartograph.capture.ebpf.internal.probe;

import java.util.Arrays;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureException;

/**
 * The socket cookies of the connections open when an agent connected: for that agent they existed
 * before its capture started, so the probe marks them pre-existing, as the in-process backend marks
 * what it finds open at start. Cookies are never reused, so the set need not forget closed ones.
 * Immutable (a sorted array), so any thread may read it.
 */
final class KnownCookies {

    static final KnownCookies NONE = new KnownCookies(new long[0]);

    private final long[] sorted;

    private KnownCookies(long[] sorted) {
        this.sorted = sorted;
    }

    /**
     * Walks the backend's open connections; connections without a cookie (0) cannot be told apart
     * and are left out.
     */
    static KnownCookies of(CaptureBackend backend) throws CaptureException {
        long[][] cookies = {new long[1024]};
        int[] n = {0};
        backend.snapshot(v -> {
            long c = v.cookie();
            if (c != 0) {
                if (n[0] == cookies[0].length) {
                    cookies[0] = Arrays.copyOf(cookies[0], n[0] * 2);
                }
                cookies[0][n[0]++] = c;
            }
        });
        long[] sorted = Arrays.copyOf(cookies[0], n[0]);
        Arrays.sort(sorted);
        return new KnownCookies(sorted);
    }

    boolean contains(long cookie) {
        return cookie != 0 && Arrays.binarySearch(sorted, cookie) >= 0;
    }

    int size() {
        return sorted.length;
    }
}
