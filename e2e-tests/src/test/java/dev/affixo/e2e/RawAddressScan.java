package dev.affixo.e2e;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Looks for visitor addresses wherever the pipeline keeps anything: every record (key, value, headers) of every
 * topic on the broker, internal and Kafka Streams' own included; every row of every table in PostgreSQL, each
 * row cast to text (so every column, whatever its type); and the services' log files. An address is searched in
 * every form it could take: as sent, the JDK's form, and for IPv6 also canonical compressed and fully written
 * text, its bytes as lowercase hex (what {@code bytea::text} shows) and its raw bytes in binary Kafka data.
 */
final class RawAddressScan {

    private final List<String> texts = new ArrayList<>();
    private final List<byte[]> binaries = new ArrayList<>();

    /** @param addresses IPv4 or IPv6 literals, as they were sent */
    RawAddressScan(List<String> addresses) throws UnknownHostException {
        for (String address : addresses) {
            // the literals here are the test's own constants: getByName reads them without a lookup
            byte[] bytes = InetAddress.getByName(address).getAddress();
            Set<String> forms = new LinkedHashSet<>();
            forms.add(address.toLowerCase(Locale.ROOT));
            forms.add(InetAddress.getByAddress(bytes).getHostAddress().toLowerCase(Locale.ROOT));
            if (bytes.length == 16) {
                // Bytes and hex only for IPv6: 4 given bytes turn up by chance in megabytes of hashes and ids
                // (1 in 2^32 per position), 16 never do.
                forms.add(HexFormat.of().formatHex(bytes));
                forms.add(fullIpv6(bytes));
                forms.add(compressedIpv6(bytes));
                binaries.add(bytes);
            }
            texts.addAll(forms);
        }
    }

    private RawAddressScan() {
    }

    /**
     * A scan for plain text instead of addresses: the test's proof that the scan is not blind, run for a value
     * that must be found (the test's own ref is in a Kafka record and a PostgreSQL row).
     */
    static RawAddressScan forText(String text) {
        RawAddressScan scan = new RawAddressScan();
        scan.texts.add(text.toLowerCase(Locale.ROOT));
        return scan;
    }

    /** The forms searched for (for the failure message and for a test that the scan can find them). */
    List<String> forms() {
        return List.copyOf(texts);
    }

    /** {@code "<where>: <form>"} for every form found in any record of any topic. */
    List<String> inKafka(String bootstrapServers) throws Exception {
        List<String> found = new ArrayList<>();
        Set<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // aborted transactions too: a record the broker holds is at rest, committed or not
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read every topic to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
                    search(where + " key", r.key(), found);
                    search(where + " value", r.value(), found);
                    for (Header h : r.headers()) {
                        search(where + " header " + h.key(), h.value(), found);
                    }
                }
            }
        }
        return found;
    }

    /** Every row of every table in every schema but PostgreSQL's own catalogs, each row cast to text. */
    List<String> inPostgres(DataSource dataSource) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("""
                    select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
                    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')""")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            if (tables.isEmpty()) {
                throw new AssertionError("no tables to scan: the scan would prove nothing");
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("select t::text from " + table + " t")) {
                    while (rs.next()) {
                        searchText(table, rs.getString(1), found);
                    }
                }
            }
        }
        return found;
    }

    /** The log from byte {@code from} on: what this run's process wrote. */
    List<String> inLog(Path log, long from) throws Exception {
        List<String> found = new ArrayList<>();
        byte[] bytes = Files.readAllBytes(log);
        if (bytes.length <= from) {
            throw new AssertionError(log + " has no lines of this run: the scan would prove nothing");
        }
        searchText(log.getFileName().toString(), new String(bytes, (int) from, bytes.length - (int) from,
                StandardCharsets.UTF_8), found);
        return found;
    }

    private void search(String where, byte[] data, List<String> found) {
        if (data == null) {
            return;
        }
        searchText(where, new String(data, StandardCharsets.ISO_8859_1), found); // byte for byte, ASCII intact
        for (byte[] address : binaries) {
            if (indexOf(data, address) >= 0) {
                found.add(where + ": the address's bytes " + HexFormat.of().formatHex(address));
            }
        }
    }

    private void searchText(String where, String text, List<String> found) {
        if (text == null) {
            return;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String form : texts) {
            if (lower.contains(form)) {
                found.add(where + ": " + form);
            }
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String fullIpv6(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (int g = 0; g < 8; g++) {
            if (g > 0) {
                text.append(':');
            }
            text.append(String.format("%02x%02x", bytes[2 * g], bytes[2 * g + 1]));
        }
        return text.toString();
    }

    /** RFC 5952 (the first longest run of two or more zero groups becomes "::"), apart from the API's code. */
    private static String compressedIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = ((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int start = 0; start < 8; start++) {
            int length = 0;
            while (start + length < 8 && groups[start + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = start;
                bestLength = length;
            }
        }
        List<String> head = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            if (bestStart >= 0 && g >= bestStart && g < bestStart + bestLength) {
                continue;
            }
            (bestStart >= 0 && g >= bestStart ? tail : head).add(Integer.toHexString(groups[g]));
        }
        return bestStart < 0 ? String.join(":", head) : String.join(":", head) + "::" + String.join(":", tail);
    }
}
