package org.cartograph.metadata.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageNameTest {

    @Test
    void splitsReferencesAsDatadogDoes() {
        assertEquals(new ImageName("nginx", "nginx", "latest"), ImageName.parse("nginx"));
        assertEquals(new ImageName("localhost/busybox", "busybox", "test"), ImageName.parse("localhost/busybox:test"));
        assertEquals(new ImageName("reg:5000/a/b", "b", "1.0"), ImageName.parse("reg:5000/a/b:1.0"));
        assertEquals(new ImageName("reg:5000/a/b", "b", ""), ImageName.parse("reg:5000/a/b@sha256:abc"));
        assertEquals(new ImageName("reg:5000/a/b", "b", "2"), ImageName.parse("reg:5000/a/b:2@sha256:abc"));
        assertEquals(new ImageName("", "", ""), ImageName.parse(null));
    }

    @Test
    void endpointFollowsDockerHostThenConfiguration() {
        assertEquals("unix:///run/x.sock", DockerEndpoint.select("unix:///run/x.sock", "tcp://127.0.0.1:2375").text());
        assertEquals("tcp://127.0.0.1:2375", DockerEndpoint.select("", "tcp://127.0.0.1:2375").text());
        assertEquals(DockerEndpoint.DEFAULT, DockerEndpoint.select(null, "").text());
        assertEquals("unix:///var/run/docker.sock", DockerEndpoint.parse("/var/run/docker.sock").text());
    }
}
