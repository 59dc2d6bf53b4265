package org.cartograph.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LabelSpecTest {

    @Test
    void defaultsNameBothEndsAndFallBackToTheRemoteAddress() {
        LabelSpec spec = LabelSpec.parse(TestConfig.DEFAULT_LABELS);
        assertEquals(List.of("source_service", "source_container", "destination_service", "destination_container"),
                spec.names());
        String[] v = new String[4];
        spec.values(Batches.flow(40000, "10.0.0.2", "db", 1, 1, 0, Map.of()), v);
        assertArrayEquals(new String[] {"shop", "web", "db", ""}, v);
        spec.values(Batches.flow(40001, "10.0.0.9", null, 1, 1, 0, Map.of()), v);
        assertArrayEquals(new String[] {"shop", "web", "10.0.0.9", ""}, v);
    }

    @Test
    void noLabelsMeansOneSeries() {
        assertEquals(List.of(), LabelSpec.parse(new String[0]).names());
        assertEquals(List.of(), LabelSpec.parse(new String[] {""}).names(), "the console's empty entry");
    }

    @Test
    void flowPropertiesAreOffered() {
        LabelSpec spec = LabelSpec.parse(new String[] {"proto=flow.protocol", "dir = flow.direction",
            "proc=local.nope|flow.process"});
        String[] v = new String[3];
        spec.values(Batches.flow(40000, "10.0.0.2", "db", 1, 1, 0, Map.of()), v);
        assertArrayEquals(new String[] {"tcp", "outgoing", "java"}, v);
    }

    @Test
    void portsPidsAndMalformedEntriesAreRefused() {
        for (String bad : new String[] {"a=local.pid", "a=remote.port", "a=local.dst_port", "a=flow.remote_port",
            "a", "1a=local.x", "__a=local.x", "le=local.x", "a=elsewhere.x", "a=local."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LabelSpec.parse(new String[] {bad}), bad);
            assertTrue(e.getMessage().startsWith("labels:"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LabelSpec.parse(new String[] {"a=local.x", "a=local.y"}));
    }
}
