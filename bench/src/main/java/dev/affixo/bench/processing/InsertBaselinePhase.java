package dev.affixo.bench.processing;

import static dev.affixo.bench.run.RunContext.say;

import dev.affixo.bench.report.Results;
import dev.affixo.bench.report.Results.Row;
import dev.affixo.bench.run.BenchSettings;
import dev.affixo.bench.run.RunContext;
import java.util.Locale;

/** Phase {@code baseline_insert}: baselines (c), (c'), (c'') and COPY to staging, straight into PostgreSQL. */
public final class InsertBaselinePhase {

    private final RunContext ctx;
    private final BenchSettings s;
    private final Results results;

    public InsertBaselinePhase(RunContext ctx) {
        this.ctx = ctx;
        this.s = ctx.settings();
        this.results = ctx.results();
    }

    /**
     * Baseline (c): the same number of equivalent rows by plain JDBC batches into a copy of the table; then
     * (c') the same rows with the processor's statement shape (one unnest insert per batch), for reference.
     */
    public void run() throws Exception {
        say("baseline insert: " + s.backlog() + " rows, batches of 1000, into clicks_baseline");
        InsertBaseline.Result r = InsertBaseline.run(ctx.pg().dataSource(), s.backlog(), ctx.events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", r.rps(), r.rows(), r.seconds()));
        results.put("baseline_insert.rps", r.rps());
        results.put("baseline_insert.rows", r.rows());
        results.put("baseline_insert.seconds", r.seconds());
        results.row(new Row("baseline (c) JDBC batch insert", r.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "batch 1000, same indexes"));
        say("baseline insert (c'): the same rows, one unnest insert per batch of 1000");
        InsertBaseline.Result u = InsertBaseline.runUnnest(ctx.pg().dataSource(), s.backlog(), ctx.events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", u.rps(), u.rows(), u.seconds()));
        results.put("baseline_insert_unnest.rps", u.rps());
        results.put("baseline_insert_unnest.rows", u.rows());
        results.row(new Row("baseline (c') unnest insert", u.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "the sink's statement shape, clicks only; reference, no target"));
        say("baseline insert (c''): the same rows, one binary COPY per batch of 1000 straight into the table");
        InsertBaseline.Result copy = InsertBaseline.runCopy(ctx.pg().dataSource(), s.backlog(), ctx.events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", copy.rps(), copy.rows(), copy.seconds()));
        results.put("baseline_copy.rps", copy.rps());
        results.put("baseline_copy.rows", copy.rows());
        results.row(new Row("baseline (c'') binary COPY", copy.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "no conflict handling: the database's own ceiling"));
        say("baseline insert: the same rows, binary COPY into a staging table + one insert-select per batch");
        InsertBaseline.Result staged = InsertBaseline.runCopyUpsert(ctx.pg().dataSource(), s.backlog(), ctx.events(11));
        say(String.format(Locale.ROOT, "  %.0f rows/s (%d rows in %.1f s)", staged.rps(), staged.rows(), staged.seconds()));
        results.put("baseline_copy_staged.rps", staged.rps());
        results.put("baseline_copy_staged.rows", staged.rows());
        results.row(new Row("COPY to staging + insert-select", staged.rps(), Double.NaN, Double.NaN, Double.NaN, -1,
                "the sink's job with COPY; compare with (c')"));
    }
}
