package org.cartograph.store.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.event.EventListener;
import org.cartograph.event.NetworkEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventListener} services bound to the store, and the calls to them that threw. Added
 * and removed on any thread; {@link #publish} runs on the store's thread.
 */
final class EventListeners {

    private static final Logger LOG = LoggerFactory.getLogger(EventListeners.class);

    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong errors = new AtomicLong();

    void add(EventListener listener) {
        listeners.add(listener);
    }

    void remove(EventListener listener) {
        listeners.remove(listener);
    }

    /** @return listeners bound */
    int size() {
        return listeners.size();
    }

    /** @return listener calls that threw */
    long errors() {
        return errors.get();
    }

    /**
     * Hands stored events to every listener; a listener that throws is counted and skipped.
     *
     * @param found the events of one analysis run
     */
    void publish(List<Event> found) {
        if (found.isEmpty() || listeners.isEmpty()) {
            return;
        }
        List<NetworkEvent> events = new ArrayList<>(found.size());
        for (Event e : found) {
            events.add(toNetworkEvent(e));
        }
        List<NetworkEvent> view = List.copyOf(events);
        for (EventListener listener : listeners) {
            try {
                listener.onEvents(view);
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                LOG.warn("event listener {} failed on {} events: {}", listener.getClass().getName(), view.size(),
                        e.toString());
            }
        }
    }

    /**
     * @param e a stored event
     * @return the same event as the API's record, evidence values as strings
     */
    static NetworkEvent toNetworkEvent(Event e) {
        Map<String, String> evidence = new LinkedHashMap<>();
        e.evidence().forEach((k, v) -> evidence.put(k, String.valueOf(v)));
        return new NetworkEvent(e.time(), e.kind(), e.source(), e.destination(), e.message(), evidence);
    }
}
