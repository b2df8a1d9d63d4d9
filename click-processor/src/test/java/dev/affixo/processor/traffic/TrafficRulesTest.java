package dev.affixo.processor.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.common.ClickOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules on real User-Agent strings, through the real parser (one per JVM, {@link TrafficRules#defaults()}).
 * A parser upgrade that renames an agent or moves it to another class fails here, not silently in the labels.
 */
class TrafficRulesTest {

    private static final TrafficRules RULES = TrafficRules.defaults();

    private static TrafficLabel label(String userAgent) {
        return RULES.label(new ClickOrigin(userAgent, null, null, null, null, false, false));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)                  | robot_user_agent | Robot   | Googlebot
            Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/120.0.6099.199 Safari/537.36 | robot_user_agent | Robot | Googlebot
            Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)                   | robot_user_agent | Robot   | Bingbot
            curl/8.5.0                                                                                | robot_user_agent | Robot   | Curl
            python-requests/2.31.0                                                                    | robot_user_agent | Robot   | Python-Requests
            sqlmap/1.7.2#stable (https://sqlmap.org)                                                  | robot_user_agent | Hacker  | Hacker
            Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)                                | link_preview     | Robot   | Slackbot-LinkExpanding
            facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)                 | link_preview     | Robot   | Facebookexternalhit
            Twitterbot/1.0                                                                            | link_preview     | Robot   | Twitterbot
            WhatsApp/2.23.20.0                                                                        | link_preview     | Unknown | WhatsApp
            TelegramBot (like TwitterBot)                                                             | link_preview     | Robot   | TelegramBot
            Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)                         | link_preview     | Robot   | Discordbot
            LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)     | link_preview     | Robot   | LinkedInBot
            Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com | link_preview | Desktop | SkypeUriPreview Preview
            Iframely/1.3.1 (+https://iframely.com/docs/about)                                         | link_preview     | Robot   | Iframely
            """)
    void labelsRobotsAndLinkPreviewFetchers(String userAgent, String reason, String deviceClass, String agentName) {
        TrafficLabel label = label(userAgent);
        assertThat(label.botReason()).isEqualTo(reason);
        assertThat(label.traffic()).isEqualTo("bot");
        assertThat(label.deviceClass()).isEqualTo(deviceClass);
        assertThat(label.agentName()).isEqualTo(agentName);
    }

    @ParameterizedTest(name = "{1} {2}: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 | Desktop | Chrome
            Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1 | Phone | Safari
            Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0                      | Phone   | Firefox
            """)
    void labelsBrowsersHuman(String userAgent, String deviceClass, String agentName) {
        TrafficLabel label = label(userAgent);
        assertThat(label.traffic()).isEqualTo("human");
        assertThat(label.botReason()).isNull();
        assertThat(label.deviceClass()).isEqualTo(deviceClass);
        assertThat(label.agentName()).isEqualTo(agentName);
    }

    @Test
    void anAbsentOrBlankUserAgentIsHumanWithNothingParsed() {
        assertThat(label(null)).isEqualTo(new TrafficLabel(null, null, null));
        assertThat(label("  ")).isEqualTo(new TrafficLabel(null, null, null));
        assertThat(RULES.label(ClickOrigin.NONE).traffic()).isEqualTo("human");
    }

    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final String SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

    @Test
    void theFirstRuleThatFiresNamesTheReason() {
        // link_preview before robot_user_agent: Slackbot is a robot to the parser too.
        assertThat(RULES.label(origin(SLACKBOT, true, true)).reason()).isEqualTo(BotReason.LINK_PREVIEW);
        // The user agent's rules before the network's.
        assertThat(RULES.label(origin(GOOGLEBOT, true, true)).reason()).isEqualTo(BotReason.ROBOT_USER_AGENT);
        // hosting_network before anonymous_proxy.
        assertThat(RULES.label(origin(CHROME, true, true)).reason()).isEqualTo(BotReason.HOSTING_NETWORK);
        assertThat(RULES.label(origin(CHROME, false, true)).reason()).isEqualTo(BotReason.ANONYMOUS_PROXY);
        assertThat(RULES.label(origin(null, false, true)).reason()).isEqualTo(BotReason.ANONYMOUS_PROXY);
        assertThat(RULES.label(origin(CHROME, false, false)).reason()).isNull();
        // A network rule keeps what the parser said about the agent.
        assertThat(RULES.label(origin(CHROME, true, false)).agentName()).isEqualTo("Chrome");
    }

    @Test
    void aUserAgentIsParsedOnceAndThenServedFromTheCache() {
        UserAgents agents = new UserAgents(100);
        String unique = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 cache-test";
        agents.label(unique);
        agents.label(unique);
        agents.label(null);
        assertThat(agents.parses()).isEqualTo(1);
        assertThat(agents.label(unique).agentName()).isEqualTo("Firefox");
        assertThat(agents.parses()).isEqualTo(1);
    }

    @Test
    void reasonsAreInRuleOrder() {
        assertThat(BotReason.values()).extracting(BotReason::wire).containsExactly(
                "link_preview", "robot_user_agent", "hosting_network", "anonymous_proxy", "velocity");
    }

    private static ClickOrigin origin(String userAgent, boolean hosting, boolean proxy) {
        return new ClickOrigin(userAgent, "203.0.113.0/24", "h", null, null, hosting, proxy);
    }
}
