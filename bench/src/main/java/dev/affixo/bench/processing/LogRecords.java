package dev.affixo.bench.processing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Records and record batches in a topic's log segments, read from the v2 batch headers on disk: bytes per record
 * of a topic depend on how many records the producer put in each batch (a batch of one pays the whole 61-byte
 * header and compresses poorly), so the capacity model needs both.
 */
public final class LogRecords {

    /** Byte offsets in a v2 record batch: base offset (8), length (4), then up to the record count at 57. */
    private static final int LENGTH_AT = 8;
    private static final int COUNT_AT = 57;

    public record Stats(long bytes, long records, long batches) {
        public double bytesPerRecord() {
            return records == 0 ? Double.NaN : (double) bytes / records;
        }

        public double recordsPerBatch() {
            return batches == 0 ? Double.NaN : (double) records / batches;
        }
    }

    private LogRecords() {
    }

    /**
     * The {@code .log} segments of every partition directory under {@code brokerDir} whose name matches; all NaN
     * figures when they cannot be read (the capacity model's inputs never fail a phase).
     */
    public static Stats of(Path brokerDir, Predicate<String> partitionDirName) {
        try {
            return read(brokerDir, partitionDirName);
        } catch (IOException | RuntimeException e) {
            return new Stats(0, 0, 0);
        }
    }

    private static Stats read(Path brokerDir, Predicate<String> partitionDirName) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.walk(brokerDir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log") && f.getParent() != null
                    && partitionDirName.test(f.getParent().getFileName().toString())).toList();
        }
        long bytes = 0;
        long records = 0;
        long batches = 0;
        for (Path segment : segments) {
            ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(segment));
            bytes += log.limit();
            for (int at = 0; at + COUNT_AT + 4 <= log.limit(); ) {
                int length = log.getInt(at + LENGTH_AT);
                if (length <= 0) {
                    break; // preallocated or torn tail
                }
                records += log.getInt(at + COUNT_AT);
                batches++;
                at += LENGTH_AT + 4 + length;
            }
        }
        return new Stats(bytes, records, batches);
    }
}
