package org.cartograph.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ExportersTest {

    @Test
    void defaultsFollowTheOtlpPorts() {
        assertEquals("http://localhost:4317", Exporters.of("grpc", "", null, 10, "none").safeEndpoint());
        assertEquals("http://localhost:4318", Exporters.of("http/protobuf", null, null, 10, "gzip").safeEndpoint());
        assertEquals(0, Exporters.of("grpc", "", new String[] {""}, 10, "none").headers().size(),
                "the console's empty entry is no header");
    }

    @Test
    void invalidSettingsAreNamedButHeaderValuesAndCredentialsNeverShown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Exporters.of("grpc", "", new String[] {"api-key=s3cret", "nosecretvalue"}, 10, "none"));
        assertEquals("headers: entry 2 is not name=value with an HTTP header name", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Exporters.of("grpc", "", new String[] {"[\"authorization=x\"]"}, 10, "none"));
        assertThrows(IllegalArgumentException.class, () -> Exporters.of("thrift", "", null, 10, "none"));
        assertThrows(IllegalArgumentException.class, () -> Exporters.of("grpc", "ftp://x", null, 10, "none"));
        assertThrows(IllegalArgumentException.class, () -> Exporters.of("grpc", "", null, 0, "none"));
        assertThrows(IllegalArgumentException.class, () -> Exporters.of("grpc", "", null, 1, "zstd"));
        Exporters x = Exporters.of("http/protobuf", "https://user:pw@otel.example:4318/?token=t", null, 1, "none");
        assertFalse(x.safeEndpoint().contains("pw") || x.safeEndpoint().contains("token"), x.safeEndpoint());
    }
}
