package org.cartograph.kafka.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Typed configurations for components constructed directly in tests: given values, else the annotation's defaults. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /**
     * @param type   the {@code @ObjectClassDefinition} annotation type
     * @param values attribute (method) name to value; the others get their declared default
     * @return an instance of the annotation type, as DS would pass it
     */
    public static <A extends Annotation> A of(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("annotationType")) {
                return type;
            }
            if (name.equals("toString")) {
                return type.getSimpleName() + values.keySet();
            }
            if (name.equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (name.equals("equals")) {
                return proxy == args[0];
            }
            Object value = values.containsKey(name) ? values.get(name) : method.getDefaultValue();
            if (value == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + name + " has no default and was not given");
            }
            return value;
        }));
    }
}
