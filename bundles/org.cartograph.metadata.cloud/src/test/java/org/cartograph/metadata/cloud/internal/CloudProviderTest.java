package org.cartograph.metadata.cloud.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider over the core's real store, with real-format files and metadata services on loopback. */
class CloudProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static TagSet rangeTags(WorkloadStore store, String ip) {
        return store.byPrefix(IpAddress.parse(ip)).map(e -> e.tags()).orElse(TagSet.EMPTY);
    }

    @Test
    void rangesFromAllThreeFormatsByLongestPrefixIpv4AndIpv6() throws Exception {
        Path aws = Files.write(dir.resolve("ip-ranges.json"), RangeParserTest.resource("aws-ip-ranges.json"));
        Path gcp = Files.write(dir.resolve("cloud.json"), RangeParserTest.resource("gcp-cloud.json"));
        Path azure = Files.write(dir.resolve("tags.json"), RangeParserTest.resource("azure-servicetags.json"));
        StoreHarness harness = new StoreHarness();
        CloudProvider provider = new CloudProvider(TestConfig.files(aws.toString(), gcp.toString(), azure.toString()));
        harness.bind(provider);
        try {
            WorkloadStore store = harness.store();
            Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
            assertEquals("S3", rangeTags(store, "52.218.1.2").get("cloud_service"));
            assertEquals("EC2", rangeTags(store, "3.5.0.9").get("cloud_service"));
            assertEquals(null, rangeTags(store, "3.5.1.9").get("cloud_service"), "only the AMAZON umbrella");
            assertEquals("us-east-1", rangeTags(store, "3.5.1.9").get("region"));
            assertEquals("S3", rangeTags(store, "2a05:d07a:1::5").get("cloud_service"));
            assertEquals("gcp", rangeTags(store, "35.184.3.3").get("cloud_provider"));
            assertEquals("us-central1", rangeTags(store, "35.184.3.3").get("region"));
            assertEquals("AzureStorage", rangeTags(store, "20.38.98.7").get("cloud_service"));
            assertEquals("eastus", rangeTags(store, "20.38.5.7").get("region"));
            assertTrue(store.byPrefix(IpAddress.parse("8.8.8.8")).isEmpty());
            assertEquals(13L, provider.status().get(0).counters().get("prefixes"));
        } finally {
            harness.unbind(provider);
        }
    }

    @Test
    void missingThenGarbageFilesAreReportedAndLastGoodRangesKept() throws Exception {
        Path aws = dir.resolve("ip-ranges.json");
        StoreHarness harness = new StoreHarness();
        CloudProvider provider = new CloudProvider(TestConfig.files(aws.toString(), "", ""));
        harness.bind(provider);
        try {
            WorkloadStore store = harness.store();
            Await.until(WAIT, () -> provider.status().get(0).health() == Health.DOWN, () -> provider.status().toString());
            assertTrue(provider.status().get(0).message().contains(aws + ": no such file"),
                    provider.status().get(0).message());

            Files.write(aws, RangeParserTest.resource("aws-ip-ranges.json"));
            // the status turns OK just after the ranges are stored
            Await.until(WAIT, () -> "S3".equals(rangeTags(store, "52.218.1.2").get("cloud_service"))
                    && provider.status().get(0).health() == Health.OK, () -> provider.status().toString());

            Files.writeString(aws, "{\"prefixes\": [ this is not json");
            Files.setLastModifiedTime(aws, FileTime.from(Instant.now().plusSeconds(5)));
            Await.until(WAIT, () -> provider.status().get(0).health() == Health.DEGRADED,
                    () -> provider.status().toString());
            assertTrue(provider.status().get(0).message().contains("not JSON"), provider.status().get(0).message());
            assertEquals("S3", rangeTags(store, "52.218.1.2").get("cloud_service"), "last good ranges kept");

            Files.write(aws, new byte[2 * 1024 * 1024]);
            Await.until(WAIT, () -> provider.status().get(0).message().contains("more than the bound"),
                    () -> provider.status().toString());
            assertEquals("S3", rangeTags(store, "52.218.1.2").get("cloud_service"), "last good ranges kept");
        } finally {
            harness.unbind(provider);
        }
    }

    @Test
    void hostOnAwsThroughImdsV2SurvivesErrorsAndKeepsTheLastAnswer() throws Exception {
        try (MetadataStub stub = new MetadataStub(false, false)) {
            StoreHarness harness = new StoreHarness();
            CloudProvider provider = new CloudProvider(TestConfig.host(new String[] {"aws", "gcp", "azure"}, stub.url()));
            harness.bind(provider);
            try {
                WorkloadStore store = harness.store();
                Await.until(WAIT, () -> store.get(CloudState.HOST).isPresent(), () -> provider.status().toString());
                TagSet host = store.get(CloudState.HOST).orElseThrow().tags();
                assertEquals("aws", host.get("cloud_provider"));
                assertEquals("eu-west-1", host.get("region"));
                assertEquals("eu-west-1b", host.get("availability_zone"));
                assertEquals("m7i.large", host.get("instance_type"));
                assertTrue(stub.tokenRequests() >= 1);

                stub.failWith(500);
                Await.until(WAIT, () -> provider.status().get(0).health() == Health.DEGRADED,
                        () -> provider.status().toString());
                assertTrue(provider.status().get(0).message().contains("HTTP 500"), provider.status().get(0).message());
                assertEquals("eu-west-1b", store.get(CloudState.HOST).orElseThrow().tags().get("availability_zone"));
                stub.failWith(0);
                Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
            } finally {
                harness.unbind(provider);
            }
        }
    }

    @Test
    void hostOnGcpOrAzureWhenAwsIsAbsentAndNoCloudIsOk() throws Exception {
        try (MetadataStub gcp = new MetadataStub(true, false); MetadataStub azure = new MetadataStub(false, true);
             MetadataStub none = new MetadataStub(false, false)) {
            gcp.awsEnabled(false);
            azure.awsEnabled(false);
            none.awsEnabled(false);
            assertEquals(Map.of("cloud_provider", "gcp", "region", "us-central1", "availability_zone", "us-central1-f",
                    "instance_type", "e2-standard-4"), detect(gcp.url()));
            assertEquals(Map.of("cloud_provider", "azure", "region", "westeurope", "availability_zone", "westeurope-2",
                    "instance_type", "Standard_D2s_v5"), detect(azure.url()));
            assertEquals(Map.of(), detect(none.url()));
        }
    }

    private static Map<String, String> detect(String url) throws Exception {
        return new HostMetadata(new HostMetadata.Endpoints(java.util.List.of("aws", "gcp", "azure"), url, url, url),
                Duration.ofSeconds(2)).detect();
    }
}
