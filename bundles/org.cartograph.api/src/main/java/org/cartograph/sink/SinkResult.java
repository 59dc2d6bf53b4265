package org.cartograph.sink;

/**
 * The outcome of one delivery.
 *
 * @param outcome what happened
 * @param message why, for failures; empty on success
 */
public record SinkResult(Outcome outcome, String message) {

    private static final SinkResult OK = new SinkResult(Outcome.SUCCESS, "");

    /** What happened to a batch. */
    public enum Outcome {
        /** Stored or sent. */
        SUCCESS,
        /** Not delivered now; the core retries it with backoff. */
        RETRYABLE_FAILURE,
        /** Never deliverable (e.g. rejected as too large); the core drops and counts it. */
        PERMANENT_FAILURE
    }

    /** Normalises the message. */
    public SinkResult {
        message = message == null ? "" : message;
    }

    /** @return the success result */
    public static SinkResult success() {
        return OK;
    }

    /**
     * @param why what went wrong
     * @return a retryable failure
     */
    public static SinkResult retry(String why) {
        return new SinkResult(Outcome.RETRYABLE_FAILURE, why);
    }

    /**
     * @param why what went wrong
     * @return a permanent failure
     */
    public static SinkResult reject(String why) {
        return new SinkResult(Outcome.PERMANENT_FAILURE, why);
    }
}
