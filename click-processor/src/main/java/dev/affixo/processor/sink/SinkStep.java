package dev.affixo.processor.sink;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Step 5: hands each labelled click to the task's {@link PendingRowsStore}, which writes it before the commit. */
public final class SinkStep implements Processor<String, ClickRow, Void, Void> {

    private final String pendingStoreName;
    private PendingRowsStore pendingRows;

    public SinkStep(String pendingStoreName) {
        this.pendingStoreName = pendingStoreName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.pendingRows = context.getStateStore(pendingStoreName);
    }

    @Override
    public void process(Record<String, ClickRow> record) {
        pendingRows.add(record.value());
    }
}
