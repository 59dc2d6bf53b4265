package org.cartograph.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Cartograph's integrations as Declarative Services sees them: every component of an
 * {@code org.cartograph} bundle that publishes a capture backend, metadata provider, tagger, mesh
 * resolver or sink, with its state and the status it reports. Stateless.
 */
final class Integrations {

    /** The kinds shown, by the SPI interface that makes a component one. */
    private static final Map<String, String> KINDS = Map.of(
            "org.cartograph.capture.CaptureBackend", "capture backend",
            "org.cartograph.metadata.WorkloadMetadataProvider", "metadata provider",
            "org.cartograph.enrich.FlowTagger", "tagger",
            "org.cartograph.mesh.MeshResolver", "mesh integration",
            "org.cartograph.sink.FlowSink", "sink");

    /**
     * One integration.
     *
     * @param name     the DS component name
     * @param kind     what it is ({@code capture backend}, {@code sink}, ...)
     * @param bundle   its bundle's symbolic name
     * @param enabled  whether the component is enabled
     * @param state    {@code active}, {@code satisfied}, {@code unsatisfied configuration}, ... or {@code disabled}
     * @param statuses what its status contributor reports (empty if it reports nothing)
     */
    record Integration(String name, String kind, String bundle, boolean enabled, String state,
                       List<ComponentStatus> statuses) {
    }

    private Integrations() {
    }

    /**
     * @param scr          the component runtime
     * @param contributors status contributors by service id
     * @return the integrations, by kind then name
     */
    static List<Integration> collect(ServiceComponentRuntime scr, Map<Long, StatusContributor> contributors) {
        List<Integration> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.bundle == null || d.bundle.symbolicName == null || !d.bundle.symbolicName.startsWith("org.cartograph")) {
                continue;
            }
            String kind = kind(d);
            if (kind == null) {
                continue;
            }
            boolean enabled = scr.isComponentEnabled(d);
            List<String> states = new ArrayList<>();
            List<ComponentStatus> statuses = new ArrayList<>();
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                states.add(state(c.state));
                StatusContributor contributor = c.service == null ? null : contributors.get(c.service.id);
                if (contributor != null) {
                    try {
                        statuses.addAll(contributor.status());
                    } catch (RuntimeException e) {
                        statuses.add(new ComponentStatus(d.name, org.cartograph.status.Health.DOWN,
                                "status failed: " + e, null, null, null));
                    }
                }
            }
            String state = !enabled ? "disabled" : states.isEmpty()
                    ? (d.configurationPolicy.equals("require") ? "waiting for configuration" : "not active")
                    : String.join(", ", states);
            out.add(new Integration(d.name, kind, d.bundle.symbolicName, enabled, state, statuses));
        }
        out.sort(Comparator.comparing(Integration::kind).thenComparing(Integration::name));
        return out;
    }

    /**
     * @param scr  the component runtime
     * @param name a component name
     * @return its description, or null if no Cartograph bundle has it
     */
    static ComponentDescriptionDTO find(ServiceComponentRuntime scr, String name) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.name.equals(name) && d.bundle != null && d.bundle.symbolicName.startsWith("org.cartograph")
                    && kind(d) != null) {
                return d;
            }
        }
        return null;
    }

    private static String kind(ComponentDescriptionDTO d) {
        if (d.serviceInterfaces == null) {
            return null;
        }
        return Arrays.stream(d.serviceInterfaces).map(KINDS::get).filter(k -> k != null).findFirst().orElse(null);
    }

    private static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation";
            default -> "state " + state;
        };
    }
}
