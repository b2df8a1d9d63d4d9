package dev.affixo.processor.traffic;

import dev.affixo.common.ClickOrigin;
import dev.affixo.processor.config.ProcessorProperties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered rules that label a click from the facts the API sent ({@link ClickOrigin}), first match wins:
 * {@code link_preview}, {@code robot_user_agent}, {@code hosting_network}, {@code anonymous_proxy}; then, in the
 * sink's transaction, {@code velocity} (which needs every click of a bucket, so it cannot be decided here).
 * Labels are derived at every write, so a replay re-labels stored clicks with the rules of the running version.
 *
 * @param userAgents            the parser, one per JVM
 * @param velocityMaxPerMinute  clicks of one ip_hash on one link in one UTC minute beyond this many are
 *                              {@code velocity}
 */
public record TrafficRules(UserAgents userAgents, int velocityMaxPerMinute) {

    private static final Logger log = LoggerFactory.getLogger(TrafficRules.class);
    private static volatile TrafficRules defaults;

    public TrafficRules {
        if (velocityMaxPerMinute < 1) {
            throw new IllegalArgumentException("velocityMaxPerMinute must be at least 1");
        }
    }

    /**
     * The default rules on one parser shared by the whole JVM, built on first use (tests and tools that write
     * rows without a Spring context; the service builds its own at startup).
     */
    public static TrafficRules defaults() {
        TrafficRules rules = defaults;
        if (rules == null) {
            synchronized (TrafficRules.class) {
                if (defaults == null) {
                    defaults = of(ProcessorProperties.bind(Map.of()));
                }
                rules = defaults;
            }
        }
        return rules;
    }

    /**
     * The configured rules, on a parser of their own built now: it takes seconds, so its time is logged.
     */
    public static TrafficRules of(ProcessorProperties props) {
        long start = System.nanoTime();
        UserAgents userAgents = new UserAgents(props.userAgentCacheSize());
        log.info("user-agent parser ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        return new TrafficRules(userAgents, props.velocityMaxPerMinute());
    }

    /** The same parser with another velocity threshold. */
    public TrafficRules withVelocityMaxPerMinute(int max) {
        return new TrafficRules(userAgents, max);
    }

    /** The click's labels by every rule but velocity. */
    public TrafficLabel label(ClickOrigin origin) {
        TrafficLabel agent = userAgents.label(origin.userAgent());
        if (agent.reason() != null) {
            return agent;
        }
        if (origin.hostingNetwork()) {
            return agent.because(BotReason.HOSTING_NETWORK);
        }
        if (origin.anonymousProxy()) {
            return agent.because(BotReason.ANONYMOUS_PROXY);
        }
        return agent;
    }
}
