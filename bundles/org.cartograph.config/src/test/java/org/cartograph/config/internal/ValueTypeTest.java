package org.cartograph.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.cartograph.config.internal.ValueType.Bool;
import org.cartograph.config.internal.ValueType.Duration;
import org.cartograph.config.internal.ValueType.FsPath;
import org.cartograph.config.internal.ValueType.Host;
import org.cartograph.config.internal.ValueType.InvalidValueException;
import org.cartograph.config.internal.ValueType.Int;
import org.cartograph.config.internal.ValueType.StringList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypeTest {

    private static final Path CWD = Path.of("/work/dir");
    private final Duration interval = new Duration(1, 3600);

    @ParameterizedTest
    @CsvSource({"10s,10", "1m,60", "90s,90", "1h,3600", "15,15", "1m30s,90", "1,1", "' 20s ',20", "2M,120"})
    void durationForms(String text, int seconds) throws InvalidValueException {
        assertEquals(seconds, interval.parse(text, CWD));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", "0", "0s", "2h", "3601", "61m", "-5", "10 s", "s", "1d"})
    void durationRejectsBadOrOutOfRange(String text) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> interval.parse(text, CWD));
        assertEquals(null, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "1.5s", "0.5", "100us", "10ns"})
    void durationRejectsSubSecond(String text) {
        InvalidValueException e = assertThrows(InvalidValueException.class, () -> interval.parse(text, CWD));
        assertEquals("sub-second values are not supported", e.getMessage());
    }

    @Test
    void durationSaysItsRange() {
        assertEquals("a duration between 1s and 1h such as 10s", interval.expected());
        assertEquals("90s", Duration.format(90));
        assertEquals("5m", Duration.format(300));
    }

    @Test
    void intChecksRange() throws InvalidValueException {
        Int port = new Int("a port number", 1, 65535);
        assertEquals(8080, port.parse("8080", CWD));
        assertEquals(10_000, new Int("an integer", 1, 10_000_000).parse("10_000", CWD));
        assertThrows(InvalidValueException.class, () -> port.parse("0", CWD));
        assertThrows(InvalidValueException.class, () -> port.parse("65536", CWD));
        assertThrows(InvalidValueException.class, () -> port.parse("99999999999999999999", CWD));
        assertThrows(InvalidValueException.class, () -> port.parse("80.5", CWD));
        assertEquals("a port number between 1 and 65535", port.expected());
    }

    @Test
    void boolAcceptsYamlAndGoSpellings() throws InvalidValueException {
        Bool bool = new Bool();
        assertEquals(Boolean.TRUE, bool.parse("True", CWD));
        assertEquals(Boolean.TRUE, bool.parse("yes", CWD));
        assertEquals(Boolean.FALSE, bool.parse("0", CWD));
        assertThrows(InvalidValueException.class, () -> bool.parse("maybe", CWD));
    }

    @Test
    void hostAcceptsAddressesAndNames() throws InvalidValueException {
        Host host = new Host();
        assertEquals("127.0.0.1", host.parse("127.0.0.1", CWD));
        assertEquals("::1", host.parse("::1", CWD));
        assertEquals("node-1.example.com", host.parse("node-1.example.com", CWD));
        assertThrows(InvalidValueException.class, () -> host.parse("", CWD));
        assertThrows(InvalidValueException.class, () -> host.parse("bad host", CWD));
        assertThrows(InvalidValueException.class, () -> host.parse("-leading.example", CWD));
    }

    @Test
    void pathsAreMadeAbsolute() throws InvalidValueException {
        assertEquals(Path.of("/work/dir/flows.jsonl").toString(), new FsPath(true).parse("flows.jsonl", CWD));
        assertEquals(Path.of("/var/x").toString(), new FsPath(false).parse("/var/lib/../x", CWD));
        assertEquals("-", new FsPath(true).parse("-", CWD));
        assertEquals("stdout", new FsPath(true).parse("stdout", CWD));
        assertEquals(Path.of("/work/dir/stdout").toString(), new FsPath(false).parse("stdout", CWD));
        assertThrows(InvalidValueException.class, () -> new FsPath(false).parse(" ", CWD));
    }

    @Test
    void listSplitsScalars() {
        assertArrayEquals(new String[] {"A", "AAAA"}, (String[]) new StringList().parse("A, AAAA", CWD));
        assertArrayEquals(new String[] {"A", "AAAA", "CNAME"}, (String[]) new StringList().parse(" A AAAA,CNAME ", CWD));
    }
}
