package org.cartograph.metadata.cloud.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.imds.Ec2MetadataClient;

/** The IMDSv2 stub is checked against the real AWS SDK client, so the provider is tested against what AWS clients accept. */
class MetadataStubAgainstAwsSdkTest {

    @Test
    void theAwsSdkImdsClientReadsTheStubWithATokenAndPlainGetsAreRefused() throws Exception {
        try (MetadataStub stub = new MetadataStub(false, false);
             Ec2MetadataClient sdk = Ec2MetadataClient.builder().endpoint(URI.create(stub.url()))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            assertEquals("eu-west-1", sdk.get("/latest/meta-data/placement/region").asString());
            assertEquals("eu-west-1b", sdk.get("/latest/meta-data/placement/availability-zone").asString());
            assertTrue(stub.tokenRequests() >= 1, "the SDK asked for a token first");

            HttpResponse<String> plain = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(stub.url() + "/latest/meta-data/placement/region")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, plain.statusCode(), "IMDSv2 refuses a GET without a token");
        }
    }
}
