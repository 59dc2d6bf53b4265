package org.cartograph.capture.ebpf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peers of the benchmarks, run inside the test namespaces as their own JVMs.
 * <ul>
 * <li>{@code server PORT SIZE}: answers each connection's SIZE bytes with SIZE bytes, then closes.</li>
 * <li>{@code rounds HOST PORT SIZE THREADS}: for each line {@code run SECONDS} on stdin, opens, uses
 * and closes connections as fast as it can for that long, then prints
 * {@code DONE connections bytesSent bytesReceived seconds failures}; ends at {@code quit} or end of input.
 * One JVM serves every round, so all rounds run equally warm.</li>
 * <li>{@code hold-server PORT PORTS}: listens on PORT .. PORT+PORTS-1 and keeps every accepted
 * connection open.</li>
 * <li>{@code hold-client HOST PORT PORTS COUNT THREADS}: opens COUNT connections spread over the ports,
 * prints {@code CONNECTED opened failures} and keeps them open until killed.</li>
 * </ul>
 */
public final class ChurnPeer {

    private ChurnPeer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "rounds" -> rounds(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "hold-server" -> holdServer(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            case "hold-client" -> holdClient(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown peer mode " + args[0]);
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

    private static void rounds(String host, int port, int size, int threads) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            if (line.startsWith("run ")) {
                round(host, port, Double.parseDouble(line.substring(4).strip()), size, threads);
            }
        }
    }

    private static void round(String host, int port, double seconds, int size, int threads) throws InterruptedException {
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

    private static void holdServer(int port, int ports) throws IOException, InterruptedException {
        ConcurrentLinkedQueue<SocketChannel> held = new ConcurrentLinkedQueue<>();
        List<Thread> acceptors = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(port + i), 4096);
            acceptors.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        held.add(server.accept());
                    }
                } catch (IOException e) {
                    System.out.println("accept failed: " + e.getMessage());
                }
            }));
        }
        System.out.println("LISTENING");
        System.out.flush();
        for (Thread t : acceptors) {
            t.join();
        }
    }

    private static void holdClient(String host, int port, int ports, int count, int threads) throws InterruptedException {
        ConcurrentLinkedQueue<SocketChannel> held = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        held.add(SocketChannel.open(new InetSocketAddress(host, port + i % ports)));
                    } catch (IOException e) {
                        if (failures.incrementAndGet() <= 3) {
                            System.out.println("connect failed: " + e);
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("CONNECTED " + held.size() + " " + failures.get());
        System.out.flush();
        Thread.currentThread().join();
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
