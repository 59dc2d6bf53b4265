package org.cartograph.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cartograph.metadata.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @Test
    void ipv4OnADualStackSocketEqualsPlainIpv4() {
        IpAddress plain = IpAddress.parse("10.1.2.3");
        IpAddress mapped = IpAddress.parse("::ffff:10.1.2.3");
        assertEquals(plain, mapped);
        assertEquals(Family.V4, mapped.family());
        assertEquals("10.1.2.3", mapped.toString());
        assertEquals(0x0A010203, plain.v4());
        assertEquals(plain, IpAddress.ofV4(0x0A010203));
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "2001:db8::1", "fe80::1:2", "2001:db8:0:1:1:1:1:1", "::", "1::"})
    void ipv6PrintsInCanonicalCompressedForm(String text) {
        IpAddress a = IpAddress.parse(text);
        assertEquals(Family.V6, a.family());
        assertEquals(text, a.toString());
        assertEquals(a, IpAddress.ofBytes(a.toBytes()));
    }

    @Test
    void canonicalFormCompressesTheLongestZeroRun() {
        assertEquals("2001:db8::1:0:0:1", IpAddress.parse("2001:0db8:0000:0000:0001:0000:0000:0001").toString());
        assertEquals("2001:db8:0:1:1:1:1:1", IpAddress.parse("2001:db8:0:1:1:1:1:1").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "1.2.3", "example.com", "fe80::1%eth0", "1.2.3.4.5", "::g"})
    void rejectsWhatIsNotANumericLiteral(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"));
    }

    @Test
    void loopback() {
        assertTrue(IpAddress.parse("127.0.0.53").isLoopback());
        assertTrue(IpAddress.parse("::1").isLoopback());
        assertFalse(IpAddress.parse("10.0.0.1").isLoopback());
    }

    @Test
    void prefixesContainTheirAddressesOnly() {
        IpPrefix v4 = IpPrefix.parse("10.0.0.0/8");
        assertTrue(v4.contains(IpAddress.parse("10.255.1.1")));
        assertFalse(v4.contains(IpAddress.parse("11.0.0.1")));
        assertFalse(v4.contains(IpAddress.parse("2001:db8::1")));
        IpPrefix v6 = IpPrefix.parse("2001:db8::/32");
        assertTrue(v6.contains(IpAddress.parse("2001:db8:ffff::1")));
        assertFalse(v6.contains(IpAddress.parse("2001:db9::1")));
        assertTrue(IpPrefix.parse("0.0.0.0/0").contains(IpAddress.parse("8.8.8.8")));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.0/33"));
    }
}
