package org.cartograph.capture.replay.internal;

import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/**
 * One connection of one step of a replay script, validated.
 *
 * @param id            the entry's {@code id}, or empty; only for humans
 * @param group         what repetition offsets are computed over: the id, or the tuple when there is none
 * @param cookie        socket cookie as written in the script
 * @param protocol      TCP or UDP
 * @param local         local address
 * @param localPort     local port
 * @param remote        remote address
 * @param remotePort    remote port
 * @param netns         network namespace inode
 * @param pid           owning process id
 * @param process       owning process name
 * @param cgroupId      owning cgroup id
 * @param direction     who opened the connection
 * @param preexisting   whether it predates capture
 * @param counters      cumulative counters as written in the script
 * @param rttMicros     smoothed RTT
 * @param rttVarMicros  RTT variance
 * @param established   1 if it reached ESTABLISHED
 * @param closed        1 if it is closed
 * @param failureErrno  the errno it failed with, 0 if none
 */
record ScriptEntry(String id, String group, long cookie, Protocol protocol, IpAddress local, int localPort,
                   IpAddress remote, int remotePort, long netns, int pid, String process, long cgroupId,
                   Direction direction, boolean preexisting, Counters counters, int rttMicros, int rttVarMicros,
                   int established, int closed, int failureErrno) {
}
