package org.cartograph.capture.ebpf.internal;

/**
 * A loaded BPF object and the links of its attached programs. Closing it destroys every link and
 * the object, so nothing stays in the kernel. Used from one thread at a time.
 */
public interface ProgramSet extends AutoCloseable {

    /**
     * Attaches a program by its section's own attach point (tracepoint, tp_btf).
     *
     * @param program the program's name
     * @throws KernelException if attaching fails
     */
    void attach(String program) throws KernelException;

    /**
     * Attaches a cgroup program to a cgroup v2 directory through a link.
     *
     * @param program the program's name
     * @param cgroupDir the cgroup v2 directory
     * @throws KernelException if attaching fails
     */
    void attachCgroup(String program, String cgroupDir) throws KernelException;

    /**
     * Runs an iterator program once to its end over the sockets of one network namespace: the
     * calling thread enters the namespace only while it creates the iterator.
     *
     * @param program the program's name
     * @param netnsPath a network namespace file (e.g. {@code /proc/1/ns/net}), null for the caller's
     * @throws KernelException if the iterator cannot run
     */
    void runIterator(String program, String netnsPath) throws KernelException;

    /** @return the map of open connections */
    ConnectionTable connections();

    /**
     * @return the map of unconnected UDP sockets' peers ({@code carto_peers}): one
     *         {@link ConnRecord} per socket and peer
     */
    ConnectionTable peers();

    /** @return the loss counters */
    DropCounters drops();

    /**
     * @param consumer receives each closed connection on the thread that polls or drains
     * @return a reader of the closed-connection ring buffer; close it before this set
     * @throws KernelException if the reader cannot be created
     */
    ClosedRing openClosedRing(RecordConsumer consumer) throws KernelException;

    /** @return names of the links attached, in order */
    java.util.List<String> attached();

    /** Destroys all links, then the object. Never throws. */
    @Override
    void close();
}
