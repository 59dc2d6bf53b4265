package org.cartograph.kafka.internal.schema;

import org.cartograph.flow.Direction;

/** Field numbers and enum values of {@code cartograph/v1/flow_batch.proto}, for the hand-written codec. */
final class Fields {

    static final int BATCH_SCHEMA_VERSION = 1;
    static final int BATCH_SEQUENCE = 2;
    static final int BATCH_HOST = 3;
    static final int BATCH_TIME_UNIX_NANOS = 4;
    static final int BATCH_INTERVAL_NANOS = 5;
    static final int BATCH_DNS = 7;
    static final int BATCH_PART = 8;
    static final int BATCH_PARTS = 9;
    static final int BATCH_STRINGS = 10;
    static final int BATCH_COMPACT_FLOWS = 11;
    static final int BATCH_MORE_OF_INTERVAL = 12;

    static final int KEY_PROTOCOL = 1;
    static final int KEY_LOCAL_ADDRESS = 2;
    static final int KEY_LOCAL_PORT = 3;
    static final int KEY_REMOTE_ADDRESS = 4;
    static final int KEY_REMOTE_PORT = 5;
    static final int KEY_NETNS = 6;

    static final int STATS_BYTES_SENT = 1;
    static final int STATS_BYTES_RECEIVED = 2;
    static final int STATS_PACKETS_SENT = 3;
    static final int STATS_PACKETS_RECEIVED = 4;
    static final int STATS_RETRANSMITS = 5;
    static final int STATS_RTT_MICROS = 6;
    static final int STATS_RTT_VAR_MICROS = 7;
    static final int STATS_TCP_ESTABLISHED = 8;
    static final int STATS_TCP_CLOSED = 9;
    static final int STATS_TCP_FAILURES = 10;

    static final int MAP_KEY = 1;
    static final int MAP_VALUE = 2;

    static final int FLOW_KEY = 1;
    static final int FLOW_COOKIE = 2;
    static final int FLOW_PID = 3;
    static final int FLOW_PROCESS = 4;
    static final int FLOW_CGROUP_ID = 5;
    static final int FLOW_DIRECTION = 6;
    static final int FLOW_INTRA_HOST = 7;
    static final int FLOW_EPHEMERAL_LOCAL_PORT = 8;
    static final int FLOW_PREEXISTING = 9;
    static final int FLOW_CLOSED = 10;
    static final int FLOW_DELTA = 11;
    static final int FLOW_CUMULATIVE = 12;
    static final int FLOW_NAT = 13;
    static final int FLOW_DNS_NAMES = 14;
    static final int FLOW_LOCAL_TAGS = 15;
    static final int FLOW_REMOTE_TAGS = 16;

    static final int DNS_CLIENT = 1;
    static final int DNS_SERVER = 2;
    static final int DNS_DOMAIN = 3;
    static final int DNS_QUERY_TYPE = 4;
    static final int DNS_QUERIES = 5;
    static final int DNS_TIMEOUTS = 6;
    static final int DNS_RCODES = 7;
    static final int DNS_LATENCY_SUM_MICROS = 8;
    static final int DNS_LATENCY_P50_MICROS = 9;
    static final int DNS_LATENCY_P99_MICROS = 10;
    static final int DNS_SUCCESS_LATENCY = 11;
    static final int DNS_FAILURE_LATENCY = 12;

    static final int LATENCY_COUNT = 1;
    static final int LATENCY_SUM_MICROS = 2;
    static final int LATENCY_P50_MICROS = 3;
    static final int LATENCY_P99_MICROS = 4;

    static final int PROTOCOL_TCP = 1;
    static final int PROTOCOL_UDP = 2;

    private static final Direction[] DIRECTIONS = {Direction.NONE, Direction.INCOMING, Direction.OUTGOING,
            Direction.LOCAL, Direction.NONE};

    private Fields() {
    }

    static int direction(Direction d) {
        return switch (d) {
            case INCOMING -> 1;
            case OUTGOING -> 2;
            case LOCAL -> 3;
            case NONE -> 4;
        };
    }

    /** @return the direction of an enum value; unknown values are {@link Direction#NONE}, as in version 1 */
    static Direction direction(long value) {
        return value >= 0 && value < DIRECTIONS.length ? DIRECTIONS[(int) value] : Direction.NONE;
    }
}
