package org.cartograph.metadata.tagger.internal;

/**
 * Finds the container id in a process's cgroup membership ({@code /proc/<pid>/cgroup}): the
 * deepest run of exactly 64 lowercase hex characters in any hierarchy's path. That covers Docker
 * ({@code /docker/<id>}, {@code docker-<id>.scope}), containerd/CRI
 * ({@code cri-containerd-<id>.scope}), CRI-O ({@code crio-<id>.scope}), podman
 * ({@code libpod-<id>}) and the Kubernetes slices above them. Stateless and thread-safe.
 */
final class CgroupPaths {

    private static final int ID_LENGTH = 64;

    private CgroupPaths() {
    }

    /**
     * @param cgroupFile the contents of {@code /proc/<pid>/cgroup}
     * @return the container id, or null when the process is not in a container
     */
    static String containerId(String cgroupFile) {
        String found = null;
        int start = 0;
        int len = cgroupFile.length();
        while (start < len) {
            int end = cgroupFile.indexOf('\n', start);
            if (end < 0) {
                end = len;
            }
            int firstColon = cgroupFile.indexOf(':', start);
            int secondColon = firstColon < 0 || firstColon >= end ? -1 : cgroupFile.indexOf(':', firstColon + 1);
            if (secondColon >= 0 && secondColon < end) {
                String id = lastId(cgroupFile, secondColon + 1, end);
                if (id != null && (found == null || cgroupFile.startsWith("0::", start))) {
                    found = id;
                }
            }
            start = end + 1;
        }
        return found;
    }

    /** @return the last 64-hex run bounded by non-hex characters in [from, to), or null */
    static String lastId(CharSequence s, int from, int to) {
        String last = null;
        int run = 0;
        for (int i = from; i <= to; i++) {
            boolean hex = i < to && isHex(s.charAt(i));
            if (hex) {
                run++;
            } else {
                if (run == ID_LENGTH) {
                    last = s.subSequence(i - ID_LENGTH, i).toString();
                }
                run = 0;
            }
        }
        return last;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
    }
}
