package org.cartograph.metadata.cloud.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.cartograph.metadata.IpPrefix;
import org.junit.jupiter.api.Test;

class RangeParserTest {

    private final RangeParser parser = new RangeParser();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = RangeParserTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void awsPrefersTheNamedServiceOverAmazonAndCountsBadEntries() throws Exception {
        RangeParser.Ranges r = parser.parse(RangeFormat.AWS, resource("aws-ip-ranges.json"));
        assertEquals(new RangeParser.Owner("aws", "eu-west-1", "S3"), r.prefixes().get(IpPrefix.parse("52.218.0.0/17")));
        assertEquals(new RangeParser.Owner("aws", "us-east-1", ""), r.prefixes().get(IpPrefix.parse("3.5.0.0/19")));
        assertEquals(new RangeParser.Owner("aws", "us-east-1", "EC2"), r.prefixes().get(IpPrefix.parse("2600:1f18::/33")));
        assertEquals(6, r.prefixes().size());
        assertEquals(2, r.skipped());
    }

    @Test
    void gcpScopesAreRegions() throws Exception {
        RangeParser.Ranges r = parser.parse(RangeFormat.GCP, resource("gcp-cloud.json"));
        assertEquals(new RangeParser.Owner("gcp", "us-central1", "Google Cloud"),
                r.prefixes().get(IpPrefix.parse("2600:1900:8000::/44")));
        assertEquals(3, r.prefixes().size());
    }

    @Test
    void azurePrefersRegionalServiceTagsOverAzureCloud() throws Exception {
        RangeParser.Ranges r = parser.parse(RangeFormat.AZURE, resource("azure-servicetags.json"));
        assertEquals(new RangeParser.Owner("azure", "eastus", ""), r.prefixes().get(IpPrefix.parse("20.38.0.0/16")));
        assertEquals(new RangeParser.Owner("azure", "eastus", "AzureStorage"),
                r.prefixes().get(IpPrefix.parse("20.38.98.0/24")));
        assertEquals(new RangeParser.Owner("azure", "", ""), r.prefixes().get(IpPrefix.parse("40.64.0.0/13")));
        assertEquals(1, r.skipped());
    }

    @Test
    void garbageAndTheWrongFormatAreRefusedWithAReason() {
        IOException garbage = assertThrows(IOException.class,
                () -> parser.parse(RangeFormat.AWS, "<html>".getBytes(StandardCharsets.UTF_8)));
        assertTrue(garbage.getMessage().startsWith("not JSON"), garbage.getMessage());
        IOException wrong = assertThrows(IOException.class,
                () -> parser.parse(RangeFormat.AZURE, resource("aws-ip-ranges.json")));
        assertTrue(wrong.getMessage().contains("not a azure IP-range file"), wrong.getMessage());
    }
}
