package dev.affixo.e2e.config;

/**
 * One row of the README's configuration table.
 *
 * @param variable     the environment variable, e.g. {@code AFFIXO_INGEST_MAX_BODY_BYTES}; a trailing {@code *}
 *                     stands for a family ({@code SPRING_KAFKA_STREAMS_PROPERTIES_*})
 * @param property     the Spring property it sets, e.g. {@code affixo.ingest.max-body-bytes}
 * @param service      {@code ingest}, {@code processor} or {@code both}
 * @param defaultValue the value when the variable is unset, exactly as the code or application.yml spells it;
 *                     {@link #NONE} when nothing sets one
 * @param line         1-based line in README.md, for messages
 */
record ConfigurationRow(String variable, String property, String service, String defaultValue, int line) {

    static final String NONE = "—";

    boolean appliesTo(String service) {
        return this.service.equals("both") || this.service.equals(service);
    }

    boolean isFamily() {
        return variable.endsWith("_*");
    }

    boolean hasDefault() {
        return !defaultValue.equals(NONE);
    }

    @Override
    public String toString() {
        return variable + " (README.md:" + line + ")";
    }
}
