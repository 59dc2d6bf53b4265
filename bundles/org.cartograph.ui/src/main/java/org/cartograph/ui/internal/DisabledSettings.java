package org.cartograph.ui.internal;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Set;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Where the set of disabled integrations is kept: the plugin's own ConfigAdmin configuration. */
interface DisabledSettings {

    /**
     * Stores the set; the plugin's configuration then changes and DS hands it to the plugin.
     *
     * @param disabled DS component names
     * @throws IOException if ConfigAdmin cannot store it
     */
    void save(Set<String> disabled) throws IOException;

    /**
     * @param admin ConfigAdmin
     * @return settings kept in the configuration {@value IntegrationsPlugin#PID}
     */
    static DisabledSettings of(ConfigurationAdmin admin) {
        return disabled -> {
            Configuration c = admin.getConfiguration(IntegrationsPlugin.PID, "?");
            Hashtable<String, Object> props = new Hashtable<>();
            if (c.getProperties() != null) {
                var keys = c.getProperties().keys();
                while (keys.hasMoreElements()) {
                    String k = keys.nextElement();
                    props.put(k, c.getProperties().get(k));
                }
            }
            props.put("disabled", disabled.stream().sorted().toArray(String[]::new));
            c.update(props);
        };
    }
}
