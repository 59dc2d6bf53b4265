package org.cartograph.dns.internal;

import java.nio.file.Path;
import java.util.Map;

/** Says which network namespaces to watch; called on the namespace thread. */
@FunctionalInterface
public interface NamespaceSource {

    /** @return inode → a path that opens the namespace, null for the caller's own namespace */
    Map<Long, Path> scan();
}
