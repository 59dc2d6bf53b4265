package org.cartograph.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A small in-memory ConfigurationAdmin: enough for what the loader and the monitor call. The
 * real one is exercised by the integration tests.
 */
final class FakeConfigAdmin implements ConfigurationAdmin {

    /** Stored configurations by PID; a configuration with null properties is not listed. */
    final Map<String, FakeConfiguration> configurations = new LinkedHashMap<>();
    /** Every update call, in order, as PID. */
    final List<String> updates = new ArrayList<>();

    /** @return the properties written to {@code pid} (without service.pid), or null if none */
    Map<String, Object> props(String pid) {
        FakeConfiguration c = configurations.get(pid);
        return c == null || c.props == null ? null : Collections.unmodifiableMap(c.props);
    }

    /** Stores a configuration as if another party had written it. */
    FakeConfiguration put(String pid, Map<String, Object> props) {
        FakeConfiguration c = configurations.computeIfAbsent(pid, p -> new FakeConfiguration(p, null, "?"));
        c.props = new LinkedHashMap<>(props);
        return c;
    }

    @Override
    public Configuration getConfiguration(String pid, String location) {
        return configurations.computeIfAbsent(pid, p -> new FakeConfiguration(p, null, location));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        return configurations.computeIfAbsent(factoryPid + "~" + name,
                p -> new FakeConfiguration(p, factoryPid, location));
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        return getFactoryConfiguration(factoryPid, name, null);
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
        Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
        List<Configuration> found = new ArrayList<>();
        for (FakeConfiguration c : configurations.values()) {
            if (c.props != null && (f == null || f.match(c.getProperties()))) {
                found.add(c);
            }
        }
        return found.isEmpty() ? null : found.toArray(Configuration[]::new);
    }

    /** One configuration. */
    final class FakeConfiguration implements Configuration {
        private final String pid;
        private final String factoryPid;
        private String location;
        Map<String, Object> props;
        boolean deleted;
        long changeCount;

        FakeConfiguration(String pid, String factoryPid, String location) {
            this.pid = pid;
            this.factoryPid = factoryPid;
            this.location = location;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            if (props == null) {
                return null;
            }
            Hashtable<String, Object> d = new Hashtable<>(props);
            d.put("service.pid", pid);
            if (factoryPid != null) {
                d.put("service.factoryPid", factoryPid);
            }
            return d;
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> properties) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                copy.put(key, properties.get(key));
            }
            props = copy;
            changeCount++;
            updates.add(pid);
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> properties) {
            Map<String, Object> incoming = new HashMap<>();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                incoming.put(key, properties.get(key));
            }
            if (props != null && sameValues(props, incoming)) {
                return false;
            }
            update(properties);
            return true;
        }

        private static boolean sameValues(Map<String, Object> a, Map<String, Object> b) {
            if (!a.keySet().equals(b.keySet())) {
                return false;
            }
            for (String key : a.keySet()) {
                if (!Objects.deepEquals(a.get(key), b.get(key))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void delete() {
            deleted = true;
            configurations.remove(pid);
        }

        @Override
        public String getFactoryPid() {
            return factoryPid;
        }

        @Override
        public void update() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setBundleLocation(String location) {
            this.location = location;
        }

        @Override
        public String getBundleLocation() {
            return location;
        }

        @Override
        public long getChangeCount() {
            return changeCount;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return Set.of();
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
            throw new UnsupportedOperationException();
        }
    }
}
