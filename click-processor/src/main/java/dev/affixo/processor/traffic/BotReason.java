package dev.affixo.processor.traffic;

/**
 * Why a click is {@code bot}, in rule order: the first rule that fires names the reason ({@link TrafficRules}).
 * The wire value is what {@code clicks.bot_reason} holds (docs/traffic-quality.md lists them).
 */
public enum BotReason {
    /** A link-preview fetcher (chat and social apps unfurling a pasted link): first, so it wins over the robot rule. */
    LINK_PREVIEW("link_preview"),
    /** The user-agent parser classes the agent or device as a robot, crawler, script or hacking tool. */
    ROBOT_USER_AGENT("robot_user_agent"),
    /** The visitor's address belongs to a hosting provider (the API's anonymous-IP database says so). */
    HOSTING_NETWORK("hosting_network"),
    /** The visitor's address is a VPN, public or residential proxy, or Tor exit. */
    ANONYMOUS_PROXY("anonymous_proxy"),
    /**
     * More clicks from one {@code ip_hash} on one link in one UTC minute than the configured maximum. Last: it only
     * ever turns a click that no other rule labelled into a bot, and it is evaluated in PostgreSQL, not here.
     */
    VELOCITY("velocity");

    private final String wire;

    BotReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
