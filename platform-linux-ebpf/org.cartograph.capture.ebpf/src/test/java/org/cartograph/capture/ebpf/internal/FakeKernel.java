package org.cartograph.capture.ebpf.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Fakes of the native interfaces: a map, a ring and counters held in Java. */
final class FakeKernel implements BpfLoader {

    final Map<Long, byte[]> table = new LinkedHashMap<>();
    /** carto_peers: keyed here by any unique string, e.g. cookie and peer port. */
    final Map<String, byte[]> peerTable = new LinkedHashMap<>();
    final ArrayDeque<byte[]> ring = new ArrayDeque<>();
    final long[] drops = new long[2];
    final List<String> attached = new ArrayList<>();
    final List<String> iterated = new ArrayList<>();
    final List<Set<String>> loads = new ArrayList<>();
    boolean btf = true;
    /** Whether tracefs is absent before the backend opens. */
    boolean tracefsAbsent;
    boolean tracefsMounted;
    int tracefsUnmounts;
    boolean failBtfLoad;
    boolean closed;
    int forEachCalls;

    @Override
    public boolean kernelHasBtfType(String typeName) {
        return btf || !typeName.startsWith("btf_trace_");
    }

    @Override
    public boolean ensureTracefs() {
        if (tracefsAbsent && !tracefsMounted) {
            tracefsMounted = true;
            return true;
        }
        return false;
    }

    @Override
    public void unmountTracefs() {
        tracefsMounted = false;
        tracefsUnmounts++;
    }

    @Override
    public synchronized ProgramSet load(byte[] object, Set<String> programs, int maxEntries) throws KernelException {
        loads.add(programs);
        if (failBtfLoad && programs.contains("carto_send_btf")) {
            throw new KernelException("bpf_object__load", 22, "Invalid argument");
        }
        closed = false;
        return new ProgramSet() {
            @Override
            public void attach(String program) {
                attached.add(program);
            }

            @Override
            public void attachCgroup(String program, String cgroupDir) {
                attached.add(program + "@" + cgroupDir);
            }

            @Override
            public void runIterator(String program, String netns) {
                iterated.add(program + "@" + netns);
            }

            @Override
            public ConnectionTable connections() {
                return consumer -> {
                    forEachCalls++;
                    return read(table, consumer);
                };
            }

            @Override
            public ConnectionTable peers() {
                return consumer -> read(peerTable, consumer);
            }

            @Override
            public DropCounters drops() {
                return cause -> drops[cause];
            }

            @Override
            public ClosedRing openClosedRing(RecordConsumer consumer) {
                return new ClosedRing() {
                    @Override
                    public boolean await(int timeoutMillis) {
                        synchronized (FakeKernel.this) {
                            return !ring.isEmpty();
                        }
                    }

                    @Override
                    public int drain() {
                        int n = 0;
                        ByteBuffer scratch = ByteBuffer.allocate(ConnRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
                        while (true) {
                            byte[] r;
                            synchronized (FakeKernel.this) {
                                r = ring.poll();
                            }
                            if (r == null) {
                                return n;
                            }
                            scratch.put(0, r);
                            consumer.accept(scratch, 0);
                            n++;
                        }
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public List<String> attached() {
                return List.copyOf(attached);
            }

            @Override
            public void close() {
                closed = true;
                attached.clear();
            }
        };
    }

    private int read(Map<?, byte[]> map, RecordConsumer consumer) {
        ByteBuffer values;
        int n = 0;
        synchronized (this) {
            values = ByteBuffer.allocate(ConnRecord.SIZE * Math.max(1, map.size())).order(ByteOrder.LITTLE_ENDIAN);
            for (byte[] r : map.values()) {
                values.put(n * ConnRecord.SIZE, r);
                n++;
            }
        }
        for (int j = 0; j < n; j++) {
            consumer.accept(values, j * ConnRecord.SIZE);
        }
        return n;
    }

    /** Moves an entry from the table to the ring, as the kernel does on close. */
    synchronized void close(long cookie) {
        byte[] r = table.remove(cookie);
        r[ConnRecord.CLOSED] = 1;
        ring.add(r);
    }

    /** Builds a record: IPv4 TCP 10.0.0.1:lport -> 10.0.0.2:rport unless udp or v6. */
    static byte[] record(long cookie, boolean udp, int lport, int rport, long sent, long received, int pid, String comm) {
        ByteBuffer b = ByteBuffer.allocate(ConnRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ConnRecord.COOKIE, cookie);
        b.put(ConnRecord.SADDR + 10, (byte) 0xff).put(ConnRecord.SADDR + 11, (byte) 0xff);
        b.put(ConnRecord.SADDR + 12, (byte) 10).put(ConnRecord.SADDR + 15, (byte) 1);
        b.put(ConnRecord.DADDR + 10, (byte) 0xff).put(ConnRecord.DADDR + 11, (byte) 0xff);
        b.put(ConnRecord.DADDR + 12, (byte) 10).put(ConnRecord.DADDR + 15, (byte) 2);
        b.putLong(ConnRecord.NETNS, 4026531840L);
        b.putLong(ConnRecord.BYTES_SENT, sent);
        b.putLong(ConnRecord.BYTES_RECV, received);
        b.putInt(ConnRecord.PID, pid);
        b.putShort(ConnRecord.SPORT, (short) lport);
        b.putShort(ConnRecord.DPORT, (short) rport);
        b.putShort(ConnRecord.FAMILY, (short) ConnRecord.AF_INET);
        b.put(ConnRecord.PROTO, (byte) (udp ? ConnRecord.PROTO_UDP : ConnRecord.PROTO_TCP));
        b.put(ConnRecord.DIRECTION, (byte) ConnRecord.DIR_OUTGOING);
        b.put(ConnRecord.ESTABLISHED, (byte) 1);
        byte[] c = comm.getBytes(StandardCharsets.UTF_8);
        b.put(ConnRecord.COMM, c, 0, Math.min(15, c.length));
        return b.array();
    }
}
