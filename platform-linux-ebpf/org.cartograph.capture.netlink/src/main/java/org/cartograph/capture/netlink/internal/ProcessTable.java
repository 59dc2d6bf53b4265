package org.cartograph.capture.netlink.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Socket inode → owning pid and process name, built by scanning {@code /proc/*&#47;fd} off the hot
 * path and published whole; lookups allocate nothing. Immutable once built.
 */
final class ProcessTable {

    static final ProcessTable EMPTY = new ProcessTable(new long[2], new int[2], new String[2], 0);

    private final long[] inodes;
    private final int[] pids;
    private final String[] names;
    private final int mask;
    private final int size;

    private ProcessTable(long[] inodes, int[] pids, String[] names, int size) {
        this.inodes = inodes;
        this.pids = pids;
        this.names = names;
        this.mask = inodes.length - 1;
        this.size = size;
    }

    /** @return entries */
    int size() {
        return size;
    }

    /**
     * @param inode a socket inode
     * @return the slot, or -1 if unknown
     */
    int find(long inode) {
        if (inode == 0) {
            return -1;
        }
        int i = (int) mix(inode) & mask;
        while (inodes[i] != 0) {
            if (inodes[i] == inode) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int pid(int slot) {
        return pids[slot];
    }

    String name(int slot) {
        return names[slot];
    }

    private static long mix(long v) {
        v *= 0x9E3779B97F4A7C15L;
        return v ^ (v >>> 29);
    }

    /**
     * Scans every process's open files.
     *
     * @param proc the proc file system, {@code /proc}
     * @return the table
     */
    static ProcessTable scan(Path proc) {
        long[] found = new long[1024];
        int[] owners = new int[1024];
        String[] comms = new String[1024];
        int n = 0;
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : pids) {
                int pid = Integer.parseInt(dir.getFileName().toString());
                String comm = null;
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
                    for (Path fd : fds) {
                        String link;
                        try {
                            link = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (!link.startsWith("socket:[")) {
                            continue;
                        }
                        if (comm == null) {
                            comm = comm(dir);
                        }
                        if (n == found.length) {
                            found = Arrays.copyOf(found, n * 2);
                            owners = Arrays.copyOf(owners, n * 2);
                            comms = Arrays.copyOf(comms, n * 2);
                        }
                        found[n] = Long.parseLong(link, 8, link.length() - 1, 10);
                        owners[n] = pid;
                        comms[n] = comm;
                        n++;
                    }
                } catch (IOException | RuntimeException e) {
                    // the process exited or its fds are hidden
                }
            }
        } catch (IOException e) {
            return EMPTY;
        }
        int capacity = Integer.highestOneBit(Math.max(16, n * 2) - 1) << 1;
        long[] inodes = new long[capacity];
        int[] pidsOut = new int[capacity];
        String[] namesOut = new String[capacity];
        ProcessTable t = new ProcessTable(inodes, pidsOut, namesOut, n);
        for (int k = 0; k < n; k++) {
            int i = (int) mix(found[k]) & (capacity - 1);
            while (inodes[i] != 0 && inodes[i] != found[k]) {
                i = (i + 1) & (capacity - 1);
            }
            if (inodes[i] == 0) {
                inodes[i] = found[k];
                pidsOut[i] = owners[k];
                namesOut[i] = comms[k];
            }
        }
        return t;
    }

    private static boolean isPid(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String comm(Path dir) {
        try {
            return Files.readString(dir.resolve("comm")).strip().intern();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
