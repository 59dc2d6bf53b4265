package org.cartograph.sink.otlp.internal;

import java.util.List;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * Tells the OTLP exporters which transport to use, without {@code ServiceLoader} lookups across
 * bundles: HTTP/protobuf through the JDK's {@code HttpClient} (the
 * {@code opentelemetry-exporter-sender-jdk} bundle), gRPC through OkHttp (embedded in this bundle
 * with Kotlin, which has no OSGi manifest). Anything else is looked up in this bundle's class loader.
 */
final class Senders implements ComponentLoader {

    /** The loader for every exporter of this bundle. */
    static final Senders INSTANCE = new Senders();

    private Senders() {
    }

    @Override
    public <T> Iterable<T> load(Class<T> spiClass) {
        if (spiClass == HttpSenderProvider.class) {
            return List.of(spiClass.cast(new JdkHttpSenderProvider()));
        }
        if (spiClass == GrpcSenderProvider.class) {
            return List.of(spiClass.cast(new OkHttpGrpcSenderProvider()));
        }
        return ComponentLoader.forClassLoader(Senders.class.getClassLoader()).load(spiClass);
    }
}
