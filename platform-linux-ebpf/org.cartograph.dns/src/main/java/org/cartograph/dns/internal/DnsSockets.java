package org.cartograph.dns.internal;

import java.nio.file.Path;

/**
 * Opens {@link DnsSocket}s and waits for them: the native resource behind the capture. The real
 * one ({@code internal.ffm.LinuxDnsSockets}) uses AF_PACKET sockets with a classic BPF filter.
 */
public interface DnsSockets {

    /**
     * Opens a socket that sees the DNS packets of one network namespace. Switches the calling
     * thread into the namespace and back: call it from a thread that does nothing else.
     *
     * @param netns a namespace file ({@code /proc/PID/ns/net}, {@code /var/run/netns/NAME}), or
     *              null for the caller's own namespace
     * @param ports the DNS server ports to let through
     * @return the socket
     * @throws NativeException naming the failed call
     */
    DnsSocket open(Path netns, int[] ports) throws NativeException;

    /**
     * Waits until one of the sockets has a packet or the timeout passes. Capture thread only.
     *
     * @param sockets       the sockets
     * @param count         how many of them to wait on
     * @param timeoutMillis longest wait
     * @return how many sockets are ready
     * @throws NativeException if poll failed
     */
    int await(DnsSocket[] sockets, int count, int timeoutMillis) throws NativeException;
}
