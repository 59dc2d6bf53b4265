package org.cartograph.capture.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a record's 16-byte {@code comm} into a cached String: a direct-mapped cache by pid, so a
 * known process costs no allocation. One thread at a time.
 */
public final class ProcessNames {

    private static final int SLOTS = 4096;

    private final int[] pids = new int[SLOTS];
    private final long[] first = new long[SLOTS];
    private final long[] second = new long[SLOTS];
    private final String[] names = new String[SLOTS];
    private final byte[] scratch = new byte[ConnRecord.COMM_LENGTH];

    /**
     * @param pid the process id
     * @param buffer holds the name as 16 NUL-padded bytes
     * @param commOffset where the name starts
     * @return the name, cached per pid and bytes
     */
    public String name(int pid, ByteBuffer buffer, int commOffset) {
        long c0 = buffer.getLong(commOffset);
        long c1 = buffer.getLong(commOffset + 8);
        if (c0 == 0 && c1 == 0) {
            return "";
        }
        int slot = (pid * 0x9E3779B1 >>> 20) & (SLOTS - 1);
        String cached = names[slot];
        if (cached != null && pids[slot] == pid && first[slot] == c0 && second[slot] == c1) {
            return cached;
        }
        buffer.get(commOffset, scratch);
        int length = 0;
        while (length < scratch.length && scratch[length] != 0) {
            length++;
        }
        String name = new String(scratch, 0, length, StandardCharsets.UTF_8);
        pids[slot] = pid;
        first[slot] = c0;
        second[slot] = c1;
        names[slot] = name;
        return name;
    }
}
