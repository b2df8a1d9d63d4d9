package dev.affixo.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.affixo.ingest.auth.ApiKey;
import dev.affixo.common.keys.KeyKind;
import dev.affixo.ingest.config.IngestProperties;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class KeyRateLimitersTest {

    private final KeyRateLimiters limiters = new KeyRateLimiters(new IngestProperties("t", 16384,
            Duration.ofSeconds(5), 0.8, Duration.ofSeconds(1), Duration.ofSeconds(2), 10, 10, 10, 1, 10, 1,
            Duration.ofHours(24), Duration.ofMillis(500)));

    private static ApiKey key(long id, int perMinute) {
        return new ApiKey(id, 1, KeyKind.WORKSPACE, Set.of("track"), perMinute, null, null);
    }

    @Test
    void acceptsExactlyTheLimitPerWindowAndRejectedRequestsTakeNoPermit() {
        ApiKey key = key(1, 5);
        int accepted = 0;
        for (int i = 0; i < 50; i++) {
            if (limiters.tryAcquire(key).allowed()) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(5);
    }

    @Test
    void aBatchTakesAllItsPermitsOrNone() {
        ApiKey key = key(5, 10);
        assertThat(limiters.tryAcquire(key, 7).allowed()).isTrue();
        RateLimitDecision refused = limiters.tryAcquire(key, 4);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isEqualTo(3);
        assertThat(limiters.tryAcquire(key, 3).allowed()).isTrue();
        assertThat(limiters.tryAcquire(key, 1).allowed()).isFalse();
    }

    @Test
    void moreThanAWholeWindowIsRefusedAndTakesNothing() {
        ApiKey key = key(6, 10);
        assertThat(limiters.tryAcquire(key, 11).allowed()).isFalse();
        assertThat(limiters.tryAcquire(key, 10).allowed()).isTrue();
    }

    @Test
    void keysHaveSeparateBudgets() {
        assertThat(limiters.tryAcquire(key(2, 1)).allowed()).isTrue();
        assertThat(limiters.tryAcquire(key(2, 1)).allowed()).isFalse();
        assertThat(limiters.tryAcquire(key(3, 1)).allowed()).isTrue();
    }

    @Test
    void headersDescribePolicyRemainingAndReset() {
        RateLimitDecision first = limiters.tryAcquire(key(4, 2));
        limiters.tryAcquire(key(4, 2));
        RateLimitDecision rejected = limiters.tryAcquire(key(4, 2));

        HttpHeaders ok = new HttpHeaders();
        first.writeHeaders(ok);
        assertThat(ok.getFirst("RateLimit-Policy")).isEqualTo("\"per-key\";q=2;w=60");
        assertThat(ok.getFirst("RateLimit")).matches("\"per-key\";r=1;t=(60|59)");
        assertThat(ok.getFirst(HttpHeaders.RETRY_AFTER)).isNull();

        HttpHeaders limited = new HttpHeaders();
        rejected.writeHeaders(limited);
        assertThat(limited.getFirst("RateLimit")).matches("\"per-key\";r=0;t=\\d+");
        assertThat(Integer.parseInt(limited.getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1, 60);
    }
}
