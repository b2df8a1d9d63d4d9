package dev.affixo.processor.traffic;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * User-Agent strings → the labels the user agent alone gives ({@link TrafficLabel}), through yauaa (a maintained
 * parser, not a list of our own).
 *
 * <p>One analyzer per JVM, shared by every instance (a replay, a test's second context): it loads its rules once
 * (seconds, about 100 MB of heap), when the first instance is made — the service makes it at startup, never on
 * the first click — with only the three fields the labels read (yauaa then skips the matchers of every
 * other field) and without its test cases. Parsing a new string costs hundreds of microseconds, so the facts are
 * cached per string: real traffic repeats a few thousand user agents, and a cached click costs one lookup and no
 * allocation. The parser's own cache is off — it would cache a full parse result, and this one the answer.
 */
public final class UserAgents {

    /**
     * AgentClass and DeviceClass values yauaa gives robots, crawlers, scripts (curl, python-requests, which no
     * person clicks an affiliate link with) and hacking tools (an empty or garbage string is one of those).
     */
    private static final Set<String> ROBOT_CLASSES = Set.of(
            "Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker");

    /**
     * Link-preview fetchers by the AgentName yauaa gives them (lower case). Several are also robots to yauaa, and
     * some are not (WhatsApp is "Special", SkypeUriPreview a "Browser"): the preview rule runs first either way,
     * so a chat app unfurling a pasted link is always {@code link_preview}. UserAgentsTest holds a real string of
     * each, so a parser upgrade that renames one fails a test rather than relabels silently.
     */
    private static final Set<String> LINK_PREVIEW_AGENTS = Set.of(
            "slackbot-linkexpanding", "slackbot", "facebookexternalhit", "twitterbot", "whatsapp", "telegrambot",
            "discordbot", "linkedinbot", "skypeuripreview preview", "iframely");

    private static UserAgentAnalyzer shared;

    private final UserAgentAnalyzer analyzer;
    private final Cache<String, TrafficLabel> cache;
    private final LongAdder parses = new LongAdder();
    /** Made once: a bound method reference written at the call would be a new object per click. */
    private final Function<String, TrafficLabel> parser = this::parse;

    public UserAgents(int cacheSize) {
        this.analyzer = analyzer();
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    private static synchronized UserAgentAnalyzer analyzer() {
        if (shared == null) {
            shared = UserAgentAnalyzer.newBuilder()
                    .hideMatcherLoadStats()
                    .withoutCache()
                    .dropTests()
                    .withField(UserAgent.DEVICE_CLASS)
                    .withField(UserAgent.AGENT_CLASS)
                    .withField(UserAgent.AGENT_NAME)
                    .immediateInitialization()
                    .build();
        }
        return shared;
    }

    /**
     * The labels of a User-Agent string alone (reason {@code link_preview}, {@code robot_user_agent} or none, device
     * class, agent name); {@link TrafficLabel#HUMAN_UNKNOWN_AGENT} for an absent or blank one: nothing to judge.
     */
    public TrafficLabel label(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return TrafficLabel.HUMAN_UNKNOWN_AGENT;
        }
        return cache.get(userAgent, parser);
    }

    /** Strings parsed so far (cache misses): the metric {@code affixo_processor_user_agent_parses_total}. */
    public long parses() {
        return parses.sum();
    }

    private TrafficLabel parse(String userAgent) {
        parses.increment();
        UserAgent parsed = analyzer.parse(userAgent);
        String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
        String agentClass = parsed.getValue(UserAgent.AGENT_CLASS);
        String agentName = parsed.getValue(UserAgent.AGENT_NAME);
        BotReason reason = null;
        if (agentName != null && LINK_PREVIEW_AGENTS.contains(agentName.toLowerCase(Locale.ROOT))) {
            reason = BotReason.LINK_PREVIEW;
        } else if (ROBOT_CLASSES.contains(deviceClass) || ROBOT_CLASSES.contains(agentClass)) {
            reason = BotReason.ROBOT_USER_AGENT;
        }
        return new TrafficLabel(reason, deviceClass, agentName);
    }
}
