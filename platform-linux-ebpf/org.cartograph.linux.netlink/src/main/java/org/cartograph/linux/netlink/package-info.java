/**
 * Linux netlink for Cartograph's platform bundles: {@link org.cartograph.linux.netlink.NetlinkOpener}
 * (a service of this bundle) opens {@link org.cartograph.linux.netlink.NetlinkSocket}s in any network
 * namespace, and {@link org.cartograph.linux.netlink.Conntrack} speaks ctnetlink over them, parsing
 * into a reused {@link org.cartograph.linux.netlink.ConntrackEntry}. Native failures are
 * {@link org.cartograph.linux.netlink.NetlinkException}s naming the call and the errno.
 */
@Export
@Version("1.0.0")
package org.cartograph.linux.netlink;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
