package org.cartograph.capture.ebpf.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.testkit.TestHosts;

/** Ground truth from {@code ss -tin} inside a namespace, for one local port. */
record Ss(long bytesSent, long bytesAcked, long bytesReceived, long totalRetrans, double rttMillis) {

    static Ss of(TestHosts hosts, String ns, int localPort) {
        String out = hosts.exec(ns, "ss", "-tinH", "state", "established", "( sport = :" + localPort + " )").ok().stdout();
        if (out.isBlank()) {
            throw new AssertionError("ss shows no established socket on port " + localPort + " in " + ns);
        }
        return new Ss(field(out, "bytes_sent:(\\d+)"), field(out, "bytes_acked:(\\d+)"),
                field(out, "bytes_received:(\\d+)"), field(out, "retrans:\\d+/(\\d+)"), rtt(out));
    }

    private static long field(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double rtt(String out) {
        Matcher m = Pattern.compile("\\brtt:([\\d.]+)/").matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
