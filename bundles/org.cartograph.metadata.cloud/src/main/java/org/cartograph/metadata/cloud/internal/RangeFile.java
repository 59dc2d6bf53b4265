package org.cartograph.metadata.cloud.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

import org.cartograph.metadata.IpPrefix;

/**
 * One configured IP-range file and the last good prefixes read from it. Re-read only when its
 * size or modification time changes. Used only on the provider's thread.
 */
final class RangeFile {

    private final RangeFormat format;
    private final Path path;
    private final long maxBytes;
    private final RangeParser parser = new RangeParser();
    private long size = -1;
    private long modified = -1;
    private Map<IpPrefix, RangeParser.Owner> ranges = Map.of();
    private int skipped;

    RangeFile(RangeFormat format, Path path, long maxBytes) {
        this.format = format;
        this.path = path;
        this.maxBytes = maxBytes;
    }

    /**
     * @return whether new prefixes were read
     * @throws IOException naming the file when it is missing, too large or not in its format;
     *                     the last good prefixes are kept
     */
    boolean reloadIfChanged() throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException(format.provider() + " IP ranges " + path + ": no such file");
        }
        long m = attrs.lastModifiedTime().toMillis();
        if (attrs.size() == size && m == modified) {
            return false;
        }
        if (attrs.size() > maxBytes) {
            throw new IOException(format.provider() + " IP ranges " + path + ": " + attrs.size()
                    + " bytes, more than the bound of " + maxBytes);
        }
        byte[] body;
        try (InputStream in = Files.newInputStream(path)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16L, maxBytes + 1));
        }
        if (body.length > maxBytes) {
            throw new IOException(format.provider() + " IP ranges " + path + ": more than the bound of " + maxBytes
                    + " bytes");
        }
        RangeParser.Ranges parsed;
        try {
            parsed = parser.parse(format, body);
        } catch (IOException e) {
            throw new IOException(format.provider() + " IP ranges " + path + ": " + e.getMessage(), e);
        }
        ranges = parsed.prefixes();
        skipped = parsed.skipped();
        size = attrs.size();
        modified = m;
        return true;
    }

    Map<IpPrefix, RangeParser.Owner> ranges() {
        return ranges;
    }

    int skipped() {
        return skipped;
    }
}
