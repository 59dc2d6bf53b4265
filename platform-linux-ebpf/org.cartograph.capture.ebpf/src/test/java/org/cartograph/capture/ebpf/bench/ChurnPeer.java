package org.cartograph.capture.ebpf.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two ends of the churn benchmark, run inside the test namespaces as their own JVMs.
 * {@code server PORT SIZE}: answers each connection's SIZE bytes with SIZE bytes, then closes.
 * {@code client HOST PORT SECONDS SIZE THREADS}: opens, uses and closes connections as fast as it
 * can; prints {@code DONE connections bytesSent bytesReceived seconds failures}.
 */
public final class ChurnPeer {

    private ChurnPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        } else {
            client(args[1], Integer.parseInt(args[2]), Double.parseDouble(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
        }
    }

    private static void server(int port, int size) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(port), 4096);
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        readFully(s.getInputStream(), size);
                        s.getOutputStream().write(new byte[size]);
                    } catch (IOException e) {
                        // the client went away: nothing to answer
                    }
                });
            }
        }
    }

    private static void client(String host, int port, double seconds, int size, int threads) throws Exception {
        AtomicLong connections = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                byte[] payload = new byte[size];
                while (System.nanoTime() < end) {
                    try (Socket s = new Socket(host, port)) {
                        OutputStream out = s.getOutputStream();
                        out.write(payload);
                        received.addAndGet(readFully(s.getInputStream(), size));
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.println("DONE " + connections.get() + " " + connections.get() * size + " " + received.get() + " " + took
                + " " + failures.get());
        System.out.flush();
    }

    private static long readFully(InputStream in, int size) throws IOException {
        byte[] buf = new byte[Math.max(1, size)];
        long got = 0;
        while (got < size) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, size - got));
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }
}
