package dev.affixo.e2e.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the README's configuration table: the table whose header is {@link #HEADER}, one row per variable
 * and service. Backticks around a cell are presentation and are dropped; a {@code |} inside a cell is
 * written {@code \|}.
 */
final class ConfigurationTable {

    static final String HEADER = "| variable | property | service | default | meaning |";
    private static final Set<String> SERVICES = Set.of("ingest", "processor", "both");
    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*(_\\*)?");
    private static final Pattern CELL_SEPARATOR = Pattern.compile("(?<!\\\\)\\|");

    private ConfigurationTable() {
    }

    static List<ConfigurationRow> read(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme);
        int header = lines.stream().map(String::trim).toList().indexOf(HEADER);
        if (header < 0) {
            throw new IllegalStateException(readme + " has no configuration table with the header " + HEADER);
        }
        if (!lines.get(header + 1).trim().matches("\\|(\\s*-+\\s*\\|){5}")) {
            throw new IllegalStateException(readme + ":" + (header + 2) + " is not the table's separator row");
        }
        List<ConfigurationRow> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            rows.add(row(lines.get(i).trim(), i + 1));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(readme + ": the configuration table has no rows");
        }
        return rows;
    }

    private static ConfigurationRow row(String line, int number) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        String[] cells = CELL_SEPARATOR.split(inner, -1);
        if (cells.length != 5) {
            throw new IllegalStateException("README.md:" + number + " has " + cells.length + " cells, not 5: " + line);
        }
        String variable = unquote(cells[0]);
        String property = unquote(cells[1]);
        String service = cells[2].trim();
        String defaultValue = unquote(cells[3]);
        if (!VARIABLE.matcher(variable).matches() || property.isEmpty() || !SERVICES.contains(service)
                || defaultValue.isEmpty() || cells[4].isBlank()) {
            throw new IllegalStateException("README.md:" + number + ": want `VARIABLE` | `property` | "
                    + "ingest/processor/both | `default` or " + ConfigurationRow.NONE + " | meaning; got: " + line);
        }
        return new ConfigurationRow(variable, property, service, defaultValue, number);
    }

    private static String unquote(String cell) {
        String s = cell.trim();
        return s.length() >= 2 && s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
    }
}
