package org.cartograph.nat.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkOverrunException;
import org.cartograph.linux.netlink.NetlinkSocket;

/**
 * A fake of the netlink boundary: the event socket replays queued buffers and failures; each dump
 * socket replays the next queued dump. Thread-safe enough for one watcher thread and a test thread.
 */
final class FakeNetlink implements NetlinkOpener {

    /** What a socket's {@link #receive} returns next: a buffer, or a failure to throw. */
    record Item(ByteBuffer buffer, NetlinkException failure) {
    }

    final Deque<Item> events = new ArrayDeque<>();
    final Deque<ByteBuffer> dumps = new ArrayDeque<>();
    final AtomicInteger dumpsRequested = new AtomicInteger();
    private final FakeSocket eventSocket = new FakeSocket(events, 7);

    @Override
    public synchronized NetlinkSocket open(int protocol, int groups, Path namespace, int receiveBuffer,
                                           int timeoutMillis) {
        if (groups != 0) {
            return eventSocket;
        }
        Deque<Item> one = new ArrayDeque<>();
        ByteBuffer dump = dumps.poll();
        if (dump != null) {
            one.add(new Item(dump, null));
        }
        return new FakeSocket(one, 7) {
            @Override
            public void send(ByteBuffer request) {
                dumpsRequested.incrementAndGet();
            }
        };
    }

    synchronized void event(ByteBuffer b) {
        events.add(new Item(b, null));
    }

    synchronized int eventsPending() {
        return events.size();
    }

    synchronized void overrun() {
        events.add(new Item(null, new NetlinkOverrunException(105)));
    }

    @Override
    public long ownNetns() {
        return 7;
    }

    @Override
    public Map<Long, Path> namespaces() {
        return Map.of();
    }

    @Override
    public int poll(NetlinkSocket[] sockets, int count, int timeoutMillis, boolean[] ready) {
        synchronized (this) {
            if (!events.isEmpty()) {
                ready[0] = true;
                return 1;
            }
        }
        java.util.concurrent.locks.LockSupport.parkNanos(timeoutMillis * 1_000_000L / 10);
        return 0;
    }

    private class FakeSocket implements NetlinkSocket {
        private final Deque<Item> items;
        private final long netns;

        FakeSocket(Deque<Item> items, long netns) {
            this.items = items;
            this.netns = netns;
        }

        @Override
        public void send(ByteBuffer request) {
        }

        @Override
        public ByteBuffer receive() throws NetlinkException {
            Item i;
            synchronized (FakeNetlink.this) {
                i = items.poll();
            }
            if (i == null) {
                return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            }
            if (i.failure() != null) {
                throw i.failure();
            }
            return i.buffer();
        }

        @Override
        public long netns() {
            return netns;
        }

        @Override
        public void close() {
        }
    }
}
