package org.cartograph.dns.internal;

/**
 * One raw packet socket in one network namespace, filtered in the kernel so that only DNS
 * packets reach it. {@link #receive} is called from the capture thread only; {@link #close} from
 * the thread that owns the socket set.
 */
public interface DnsSocket extends AutoCloseable {

    /**
     * Copies the next packet, from its network header on, without blocking.
     *
     * @param into  where; packets longer than it are cut
     * @return the copied length, or 0 if no packet is waiting
     * @throws NativeException if the socket failed
     */
    int receive(byte[] into) throws NativeException;

    /** @return the kernel receive time of the packet last received, epoch nanoseconds; 0 if the kernel gave none */
    long lastTimestampNanos();

    /**
     * @return packets the kernel dropped for this socket since the previous call (buffer full)
     * @throws NativeException if the kernel cannot say
     */
    long takeKernelDrops() throws NativeException;

    /** @return the file descriptor (for polling) */
    int fd();

    /** Closes the socket; harmless twice. */
    @Override
    void close();
}
