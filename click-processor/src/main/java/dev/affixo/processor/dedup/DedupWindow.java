package dev.affixo.processor.dedup;

import java.time.Duration;

/**
 * The repeat-click rule: a click by the same canonical visitor on the same link less than {@code window}
 * away from the last <em>unique</em> one is a duplicate; at exactly {@code window} or more it is unique again.
 *
 * <p>The window is measured from the last unique click, not the last click: a visitor who clicks every ten
 * minutes forever would otherwise stay "duplicate" forever, and the label of a click would depend on how
 * many repeats happened to come before it. Anchored on the last unique click, one visitor on one link gets
 * at most one unique click per window, and replaying the same log yields the same labels.
 * A slightly out-of-order click (received before the last unique, but less than a window before it) is a
 * duplicate too.
 */
public final class DedupWindow {

    private final long windowMillis;

    public DedupWindow(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("dedup window must be positive: " + window);
        }
        this.windowMillis = window.toMillis();
    }

    /**
     * @param lastUniqueMillis received_at of the last unique click of this visitor on this link, or null
     * @param receivedAtMillis received_at of this click
     */
    public Classification classify(Long lastUniqueMillis, long receivedAtMillis) {
        return isDuplicate(lastUniqueMillis, receivedAtMillis) ? Classification.DUPLICATE : Classification.UNIQUE;
    }

    private boolean isDuplicate(Long lastUniqueMillis, long receivedAtMillis) {
        return lastUniqueMillis != null && Math.abs(receivedAtMillis - lastUniqueMillis) < windowMillis;
    }
}
