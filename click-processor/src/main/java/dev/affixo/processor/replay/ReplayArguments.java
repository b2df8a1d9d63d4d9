package dev.affixo.processor.replay;

import java.time.Instant;
import java.util.List;

/**
 * {@code replay --from <ISO-8601 instant | earliest> [--to <ISO-8601 instant>] [--dry-run]}.
 * {@code --to} defaults to the moment the replay starts, so clicks still arriving are left to the live
 * processor.
 */
public record ReplayArguments(ReplayRange range, boolean dryRun) {

    public static final String USAGE = """
            usage: java -jar click-processor.jar replay --from <ISO-8601 instant | earliest> [--to <ISO-8601 instant>] [--dry-run]
              Reprocesses the accepted-clicks topic with the current matching and dedup settings and updates
              the rows of clicks received in [from, to) in place. State is re-derived from the beginning of
              retention, so labels in the range are exactly what a full replay gives. Configured by the
              same environment as the service (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, AFFIXO_PROCESSOR_*).
              --dry-run  print what would be replayed and exit without writing anything""";

    /** Parses the arguments after {@code replay}; throws IllegalArgumentException with a one-line reason. */
    public static ReplayArguments parse(List<String> args, Instant now) {
        Instant from = null;
        Instant to = null;
        boolean dryRun = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--from" -> from = ReplayRange.parseFrom(valueOf(args, ++i, arg));
                case "--to" -> to = ReplayRange.parseInstant("--to", valueOf(args, ++i, arg));
                case "--dry-run" -> dryRun = true;
                default -> {
                    if (arg.startsWith("--from=")) {
                        from = ReplayRange.parseFrom(arg.substring(7));
                    } else if (arg.startsWith("--to=")) {
                        to = ReplayRange.parseInstant("--to", arg.substring(5));
                    } else if (!arg.startsWith("--spring.") && !arg.startsWith("--affixo.")) {
                        throw new IllegalArgumentException("unknown argument '" + arg + "'");
                    }
                }
            }
        }
        if (from == null) {
            throw new IllegalArgumentException("--from is required (an ISO-8601 instant or 'earliest')");
        }
        return new ReplayArguments(new ReplayRange(from, to == null ? now : to), dryRun);
    }

    private static String valueOf(List<String> args, int i, String option) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
