package org.cartograph.config.internal;

import java.io.PrintStream;

/** What happens to an invalid configuration when {@code cartograph.config.failfast} is true. */
@FunctionalInterface
interface FailFast {

    /** The exit status for a configuration error ({@code EX_CONFIG} of sysexits.h). */
    int EXIT_CONFIG = 78;

    /**
     * Stops the process because of an invalid configuration. Must not block the calling thread
     * (it is the SCR activation thread).
     *
     * @param message the whole error message, free of secrets
     */
    void stop(String message);

    /**
     * @param err where the message is printed
     * @return prints the message, then calls {@code System.exit(78)} from a new thread, so the
     *         SCR thread is not blocked and shutdown hooks (which stop the framework and thus
     *         wait for SCR) can run
     */
    static FailFast exitJvm(PrintStream err) {
        return message -> {
            err.println(message);
            err.flush();
            Thread exit = new Thread(() -> System.exit(EXIT_CONFIG), "cartograph-config-failfast");
            exit.start();
        };
    }
}
