package dev.affixo.admin.keys;

import dev.affixo.common.keys.KeyKind;
import dev.affixo.admin.DatabaseOptions;
import dev.affixo.admin.ListingTime;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "key", description = "API keys: create (shows the token once), list, revoke.",
        subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class})
public final class KeyCommand {

    @Command(name = "create", description = {
            "Creates an API key and prints the token on stdout, ONCE: only its SHA-256 is stored."})
    static final class Create implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Option(names = "--kind", defaultValue = "workspace", converter = KindConverter.class,
                description = "workspace (sa_live_…, default) or affiliate (refa_live_…, needs --affiliate)")
        KeyKind kind;

        @Option(names = "--affiliate", paramLabel = "ID", description = "the affiliate an affiliate key belongs to")
        Long affiliate;

        @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE",
                description = "comma-separated: read, write, track, * (e.g. track,read)")
        List<String> scopes;

        @Option(names = "--rate-limit", defaultValue = "600", paramLabel = "PER_MINUTE",
                description = "requests per minute (default ${DEFAULT-VALUE})")
        int rateLimit;

        @Option(names = "--expires-at", paramLabel = "ISO", converter = InstantConverter.class,
                description = "e.g. 2027-01-31T00:00:00Z or 2027-01-31 (UTC midnight); default never")
        Instant expiresAt;

        @Override
        public Integer call() {
            CreatedKey key = new Keys(database.open())
                    .create(new NewKey(workspace, kind, affiliate, scopes, rateLimit, expiresAt));
            spec.commandLine().getOut().println(key.token());
            spec.commandLine().getErr().println("key " + key.id() + " created (" + kind.dbValue() + ", scopes "
                    + String.join(",", Keys.validScopes(scopes)) + ", " + rateLimit + "/min). "
                    + "This is the only time the token is shown: store it now.");
            return 0;
        }
    }

    @Command(name = "list", description = "Lists a workspace's keys (never the tokens).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--workspace", required = true, paramLabel = "ID")
        long workspace;

        @Override
        public Integer call() {
            List<KeyRow> keys = new Keys(database.open()).list(workspace);
            PrintWriter out = spec.commandLine().getOut();
            String format = "%-6s %-16s %-9s %-9s %-18s %-8s %-20s %-20s %-20s%n";
            out.printf(format, "ID", "PREFIX", "KIND", "AFFILIATE", "SCOPES", "LIMIT", "CREATED", "EXPIRES", "REVOKED");
            for (KeyRow k : keys) {
                out.printf(format, k.id(), k.displayPrefix() + "…", k.kind(),
                        k.affiliateId() == null ? "-" : k.affiliateId(), String.join(",", k.scopes()),
                        k.rateLimitPerMinute() + "/min", ListingTime.format(k.createdAt()),
                        ListingTime.format(k.expiresAt()), ListingTime.format(k.revokedAt()));
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revokes a key; the ingest API rejects it (401) within 5 s.")
    static final class Revoke implements Callable<Integer> {
        @Mixin DatabaseOptions database;
        @Spec CommandSpec spec;

        @Option(names = "--id", required = true, paramLabel = "KEY_ID")
        long id;

        @Override
        public Integer call() {
            new Keys(database.open()).revoke(id);
            spec.commandLine().getErr().println("key " + id + " revoked");
            return 0;
        }
    }

    static final class KindConverter implements ITypeConverter<KeyKind> {
        @Override
        public KeyKind convert(String value) {
            try {
                return KeyKind.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("must be workspace or affiliate, not '" + value + "'");
            }
        }
    }

    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notDateTime) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e) {
                    throw new TypeConversionException(
                            "'" + value + "' is not an ISO-8601 time such as 2027-01-31T00:00:00Z or 2027-01-31");
                }
            }
        }
    }
}
