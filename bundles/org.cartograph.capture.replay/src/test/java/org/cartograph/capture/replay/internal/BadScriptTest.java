package org.cartograph.capture.replay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.cartograph.capture.CaptureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BadScriptTest {

    private static final String GOOD_STEP = "  - open: [{id: ok, laddr: 10.0.0.1, raddr: 10.0.0.2}]\n";

    @TempDir
    Path dir;

    static Stream<Arguments> badScripts() {
        return Stream.of(
                Arguments.of("unknown entry field", "steps:\n" + GOOD_STEP + "  - open: [{id: web1, bytes_snt: 5}]\n",
                        List.of("steps[1].open[0] (id web1)", "'bytes_snt'", "unknown field")),
                Arguments.of("bad address", "steps:\n" + GOOD_STEP + GOOD_STEP
                                + "  - close: [{id: db, raddr: 10.0.0.300}]\n",
                        List.of("steps[2].close[0] (id db)", "'raddr'", "10.0.0.300")),
                Arguments.of("short IPv4 form", "steps:\n  - open: [{raddr: 10.1.2}]\n",
                        List.of("steps[0].open[0]", "'raddr'", "four dotted parts")),
                Arguments.of("host name instead of an address", "steps:\n  - open: [{laddr: localhost}]\n",
                        List.of("steps[0].open[0]", "'laddr'", "localhost")),
                Arguments.of("IPv6 address that YAML reads as a number", "steps:\n  - open: [{laddr: 1:2:3:4:5:6:7:8}]\n",
                        List.of("steps[0].open[0]", "'laddr'", "quote")),
                Arguments.of("negative counter", "steps:\n" + GOOD_STEP + "  - open: [{packets_received: -3}]\n",
                        List.of("steps[1].open[0]", "'packets_received'", "negative")),
                Arguments.of("counter that is not a number", "steps:\n  - open: [{bytes_sent: lots}]\n",
                        List.of("steps[0].open[0]", "'bytes_sent'", "whole number")),
                Arguments.of("port out of range", "steps:\n  - open: [{lport: 70000}]\n",
                        List.of("steps[0].open[0]", "'lport'", "65535")),
                Arguments.of("unknown direction", "steps:\n  - open: [{direction: sideways}]\n",
                        List.of("steps[0].open[0]", "'direction'", "sideways")),
                Arguments.of("unknown protocol", "steps:\n  - open: [{protocol: sctp}]\n",
                        List.of("steps[0].open[0]", "'protocol'", "sctp")),
                Arguments.of("mixed families", "steps:\n  - open: [{laddr: 10.0.0.1, raddr: \"::1\"}]\n",
                        List.of("steps[0].open[0]", "'raddr'", "v6")),
                Arguments.of("established beyond 1", "steps:\n  - open: [{established: 2}]\n",
                        List.of("steps[0].open[0]", "'established'")),
                Arguments.of("cookie too large to repeat", "repeat: true\nsteps:\n  - open: [{cookie: 1000000}]\n",
                        List.of("steps[0].open[0]", "'cookie'", "999999")),
                Arguments.of("unknown step field", "steps:\n  - opened: []\n",
                        List.of("steps[0]", "'opened'", "unknown field")),
                Arguments.of("open is not a list", "steps:\n  - open: {id: a}\n",
                        List.of("steps[0]", "'open'", "list")),
                Arguments.of("entry is not a mapping", "steps:\n  - open: [web1]\n",
                        List.of("steps[0].open[0]", "mapping")),
                Arguments.of("step is not a mapping", "steps:\n  - just text\n", List.of("steps[0]", "mapping")),
                Arguments.of("unknown top-level field", "stepz: []\n", List.of("'stepz'", "unknown field")),
                Arguments.of("steps missing", "repeat: true\n", List.of("'steps'", "missing")),
                Arguments.of("repeat not a boolean", "repeat: maybe\nsteps: []\n", List.of("'repeat'")),
                Arguments.of("empty file", "", List.of("must be a mapping")),
                Arguments.of("bad YAML", "steps:\n  - open: [{id: a, lport: 1\n",
                        List.of("not valid YAML", "line")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badScripts")
    void aBadScriptIsRejectedNamingFileStepAndField(String what, String yaml, List<String> expected)
            throws IOException {
        Path script = Files.writeString(dir.resolve("bad.yaml"), yaml);
        ReplayBackend backend = new ReplayBackend(new TestConfig(script.toString()));

        CaptureException e = assertThrows(CaptureException.class, () -> backend.open(new Recorders(10)));

        assertTrue(e.getMessage().startsWith("replay script " + script), e.getMessage());
        for (String fragment : expected) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' missing in: " + e.getMessage());
        }
        assertEquals(e.getMessage(), backend.status().message());
    }

    @Test
    void aMissingFileIsRejectedNamingIt() {
        Path script = dir.resolve("absent.yaml");
        ReplayBackend backend = new ReplayBackend(new TestConfig(script.toString()));

        CaptureException e = assertThrows(CaptureException.class, () -> backend.open(new Recorders(10)));

        assertTrue(e.getMessage().contains(script.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }
}
