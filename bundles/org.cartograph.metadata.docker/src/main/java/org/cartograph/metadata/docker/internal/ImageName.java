package org.cartograph.metadata.docker.internal;

/**
 * An image reference split the way Datadog's container tagging does: {@code image_name} is the
 * reference without tag or digest ({@code registry.example/team/web}), {@code short_image} its
 * last path part ({@code web}), {@code image_tag} the tag ({@code latest} when none is given and
 * the reference is not a digest).
 *
 * @param name      the image name without tag or digest
 * @param shortName the last path component of the name
 * @param tag       the tag, or empty
 */
record ImageName(String name, String shortName, String tag) {

    /**
     * @param reference e.g. {@code localhost/busybox:test}, {@code nginx},
     *                  {@code reg:5000/a/b@sha256:...}
     * @return the parts; empty parts for an empty reference
     */
    static ImageName parse(String reference) {
        String ref = reference == null ? "" : reference.strip();
        if (ref.isEmpty() || ref.startsWith("sha256:")) {
            return new ImageName(ref, ref, "");
        }
        String tag = "";
        boolean digest = false;
        int at = ref.indexOf('@');
        if (at >= 0) {
            digest = true;
            ref = ref.substring(0, at);
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) {
            tag = ref.substring(colon + 1);
            ref = ref.substring(0, colon);
        } else if (!digest) {
            tag = "latest";
        }
        String shortName = ref.substring(ref.lastIndexOf('/') + 1);
        return new ImageName(ref, shortName, tag);
    }
}
