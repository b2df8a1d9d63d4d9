package dev.affixo.processor.traffic;

/**
 * The labels the rules give one click before velocity ({@link TrafficRules#label}).
 *
 * @param reason      the first rule that fired, or null: a human click (until velocity says otherwise)
 * @param deviceClass the parser's DeviceClass, or null without a user agent
 * @param agentName   the parser's AgentName, or null without a user agent
 */
public record TrafficLabel(BotReason reason, String deviceClass, String agentName) {

    public static final TrafficLabel HUMAN_UNKNOWN_AGENT = new TrafficLabel(null, null, null);

    /** The same agent, labelled bot for {@code reason}. */
    TrafficLabel because(BotReason newReason) {
        return new TrafficLabel(newReason, deviceClass, agentName);
    }

    /** {@code human} or {@code bot}: the {@code clicks.traffic} column. */
    public String traffic() {
        return reason == null ? "human" : "bot";
    }

    /** The {@code clicks.bot_reason} column: null for a human click. */
    public String botReason() {
        return reason == null ? null : reason.wire();
    }
}
