package org.cartograph.capture.ebpf.internal.probe;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The probe for benchmarks that compare rounds with and without capture: one JVM that serves (loads
 * and attaches) on {@code start} and stops (detaches, removes the socket) on {@code stop}, read from
 * standard input, so its code stays compiled across rounds like a probe that runs for days. Answers
 * {@code STARTED}, {@code STOPPED} or {@code FAILED reason} on standard output.
 *
 * <p>Usage: {@code WarmProbe [probe options]}, as {@link ProbeMain}.
 */
public final class WarmProbe {

    private WarmProbe() {
    }

    /** @param args the probe's options */
    public static void main(String[] args) throws Exception {
        ProbeMain.Options options = ProbeMain.Options.parse(args);
        ProbeMain.Running running = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            switch (line.strip()) {
                case "start" -> {
                    try {
                        running = ProbeMain.serve(options);
                        System.out.println("STARTED");
                    } catch (Exception e) {
                        System.out.println("FAILED " + e.getMessage());
                    }
                }
                case "stop" -> {
                    if (running != null) {
                        running.close();
                        running = null;
                    }
                    System.out.println("STOPPED");
                }
                default -> System.out.println("FAILED unknown command " + line);
            }
            System.out.flush();
        }
        if (running != null) {
            running.close();
        }
    }
}
