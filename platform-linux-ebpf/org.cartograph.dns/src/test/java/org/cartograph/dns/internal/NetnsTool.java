package org.cartograph.dns.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import org.cartograph.flow.IpAddress;

/**
 * A Java DNS client (and a TCP listener) that tests start inside a network namespace with
 * {@code ip netns exec NS java -cp ... NetnsTool ...}: the JVM running the tests lives in the root
 * namespace and cannot reach the test addresses.
 * <ul>
 * <li>{@code query SERVER PORT NAME TYPE udp|tcp}: sends one hand-built query, prints
 * {@code rcode=N micros=M addresses=a,b}, or {@code timeout}</li>
 * <li>{@code connect SERVER NAME PORT}: resolves NAME (type A) and opens a TCP connection to the
 * first address, prints {@code connected=ADDRESS}</li>
 * <li>{@code listen ADDRESS PORT}: accepts connections until killed</li>
 * </ul>
 */
public final class NetnsTool {

    private NetnsTool() {
    }

    /** @param args see the class comment */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "query" -> System.out.println(query(args[1], Integer.parseInt(args[2]), args[3],
                    DnsNames.typeNumber(args[4]), args[5].equals("tcp")));
            case "pipeline" -> System.out.println(pipeline(args[1], Integer.parseInt(args[2]), args[3], args[4]));
            case "connect" -> {
                String r = query(args[1], 53, args[2], 1, false);
                String addr = r.substring(r.indexOf("addresses=") + 10).split(",")[0];
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getByName(addr), Integer.parseInt(args[3])), 3000);
                    System.out.println("connected=" + addr);
                }
            }
            case "listen" -> {
                try (ServerSocket ss = new ServerSocket()) {
                    ss.bind(new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2])));
                    System.out.println("listening");
                    System.out.flush();
                    while (true) {
                        ss.accept().close();
                    }
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * Two A queries over one TCP connection, written so that the first one's length prefix travels
     * alone and its rest shares a segment with the whole second query (TCP_NODELAY: the first
     * write leaves before the second is made); reads both answers.
     *
     * @return the two rcodes, {@code rcodes=R1,R2}
     */
    static String pipeline(String server, int port, String first, String second) throws Exception {
        byte[] both = Packets.framed(Packets.query(1, first, 1), Packets.query(2, second, 1));
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(server, port), 3000);
            s.setSoTimeout(3000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(both, 0, 2);
            out.flush();
            out.write(both, 2, both.length - 2);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int[] rcodes = new int[3];
            for (int i = 0; i < 2; i++) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                DnsMessage m = new DnsMessage();
                if (new DnsParser().parse(answer, 0, answer.length, m) != DnsParser.OK) {
                    return "error";
                }
                rcodes[m.id()] = m.rcode();
            }
            return "rcodes=" + rcodes[1] + "," + rcodes[2];
        }
    }

    static String query(String server, int port, String name, int type, boolean tcp) throws Exception {
        byte[] q = Packets.query((int) (System.nanoTime() & 0xFFFF), name, type);
        byte[] answer;
        long t0 = System.nanoTime();
        int length;
        if (tcp) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(server, port), 3000);
                s.setSoTimeout(3000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] framed = new byte[q.length + 2];
                Packets.put16(framed, 0, q.length);
                System.arraycopy(q, 0, framed, 2, q.length);
                out.write(framed);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                length = in.readUnsignedShort();
                answer = new byte[length];
                in.readFully(answer);
            }
        } else {
            try (DatagramSocket s = new DatagramSocket()) {
                s.setSoTimeout(3000);
                s.send(new DatagramPacket(q, q.length, new InetSocketAddress(server, port)));
                answer = new byte[4096];
                DatagramPacket p = new DatagramPacket(answer, answer.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    return "timeout";
                }
                length = p.getLength();
            }
        }
        long micros = (System.nanoTime() - t0) / 1000;
        DnsMessage m = new DnsMessage();
        int r = new DnsParser().parse(answer, 0, length, m);
        if (r != DnsParser.OK) {
            return "error=" + DnsParser.codeName(r);
        }
        StringBuilder sb = new StringBuilder("rcode=" + m.rcode() + " micros=" + micros + " addresses=");
        for (int i = 0; i < m.addressCount(); i++) {
            sb.append(i > 0 ? "," : "").append(new IpAddress(m.addressHigh(i), m.addressLow(i)));
        }
        return sb.toString();
    }
}
