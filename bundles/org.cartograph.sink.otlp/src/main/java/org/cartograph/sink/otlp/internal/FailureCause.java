package org.cartograph.sink.otlp.internal;

/** Names a TCP failure errno as the {@code error.type} attribute shows it. */
final class FailureCause {

    private FailureCause() {
    }

    /**
     * @param errno a Linux errno from {@code ConnectionStats.tcpFailures()}
     * @return {@code reset}, {@code timeout}, {@code refused}, {@code unreachable} or {@code errno_N}
     */
    static String of(int errno) {
        return switch (errno) {
            case 104 -> "reset";
            case 110 -> "timeout";
            case 111 -> "refused";
            case 101, 113 -> "unreachable";
            default -> "errno_" + errno;
        };
    }
}
