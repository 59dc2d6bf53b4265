package org.cartograph.dns.internal;

import java.lang.annotation.Annotation;

/** A {@link DnsMonitorComponent.Config} for tests: the defaults, with fields to change. */
final class TestConfig implements DnsMonitorComponent.Config {

    boolean stats = true;
    boolean domains = true;
    int timeoutS = 15;
    int maxStats = 20000;
    boolean local;
    String[] types = {};
    int[] ports = {53};
    int maxPending = 65536;
    int maxTcpStreams = 1024;
    int refreshS = 1;

    @Override
    public Class<? extends Annotation> annotationType() {
        return DnsMonitorComponent.Config.class;
    }

    @Override
    public boolean collect_dns_stats() {
        return stats;
    }

    @Override
    public boolean collect_dns_domains() {
        return domains;
    }

    @Override
    public int dns_timeout_in_s() {
        return timeoutS;
    }

    @Override
    public int max_dns_stats() {
        return maxStats;
    }

    @Override
    public boolean collect_local_dns() {
        return local;
    }

    @Override
    public String[] dns_recorded_query_types() {
        return types;
    }

    @Override
    public int[] dns_monitoring_ports() {
        return ports;
    }

    @Override
    public int dns_max_pending() {
        return maxPending;
    }

    @Override
    public int dns_reverse_cache_size() {
        return 1000;
    }

    @Override
    public int dns_reverse_grace_in_s() {
        return 60;
    }

    @Override
    public boolean dns_watch_namespaces() {
        return true;
    }

    @Override
    public int dns_namespace_refresh_in_s() {
        return refreshS;
    }

    @Override
    public int dns_tcp_max_streams() {
        return maxTcpStreams;
    }
}
