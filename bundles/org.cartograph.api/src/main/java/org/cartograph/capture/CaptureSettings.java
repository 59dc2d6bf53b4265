package org.cartograph.capture;

import java.time.Duration;

/**
 * Core-wide capture settings (the {@code system_probe_config} keys of the same names).
 *
 * @param maxTrackedConnections bound on connections tracked at once, in the kernel and in the core
 * @param closedChannelSize     capacity of the closed-connection buffer between two intervals
 * @param collectTcp            whether TCP connections are wanted
 * @param collectUdp            whether UDP connections are wanted
 * @param collectIpv6           whether IPv6 connections are wanted
 * @param interval              how often the core takes snapshots
 */
public record CaptureSettings(int maxTrackedConnections, int closedChannelSize, boolean collectTcp,
                              boolean collectUdp, boolean collectIpv6, Duration interval) {
}
