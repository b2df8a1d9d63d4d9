package dev.affixo.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a (ustar) tar stream, as Jib writes its image tar and layers: 512-byte headers, name at 0, size (octal)
 * at 124, type at 156, prefix at 345, contents padded to 512. Enough to read back an image; no JDK class does it.
 */
final class Tar {

    private Tar() {
    }

    /** The names of every entry, and the contents of those {@code keep} accepts. */
    static Map<String, byte[]> read(InputStream in, Predicate<String> keep) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
            byte[] contents = keep.test(name) ? in.readNBytes((int) size) : null;
            if (contents == null) {
                in.skipNBytes(size);
            }
            in.skipNBytes((512 - size % 512) % 512);
            entries.put(name, contents);
        }
        return entries;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
