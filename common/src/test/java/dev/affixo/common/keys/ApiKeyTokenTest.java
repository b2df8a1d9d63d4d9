package dev.affixo.common.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {

    @Test
    void generatedTokensCarryTheirKindAndAValidChecksum() {
        String workspace = ApiKeyToken.generate(KeyKind.WORKSPACE);
        String affiliate = ApiKeyToken.generate(KeyKind.AFFILIATE);

        assertThat(workspace).startsWith("sa_live_").hasSize(8 + 32 + 6);
        assertThat(affiliate).startsWith("refa_live_").hasSize(10 + 32 + 6);
        assertThat(ApiKeyToken.kindOf(workspace)).isEqualTo(KeyKind.WORKSPACE);
        assertThat(ApiKeyToken.kindOf(affiliate)).isEqualTo(KeyKind.AFFILIATE);
    }

    @Test
    void rejectsMistypedTokensBeforeAnyLookup() {
        String token = ApiKeyToken.generate(KeyKind.WORKSPACE);
        char last = token.charAt(20);
        String oneCharChanged = token.substring(0, 20) + (last == 'a' ? 'b' : 'a') + token.substring(21);

        assertThat(ApiKeyToken.kindOf(oneCharChanged)).isNull();
        assertThat(ApiKeyToken.kindOf(token.substring(0, token.length() - 1))).isNull();
        assertThat(ApiKeyToken.kindOf(token + "0")).isNull();
        assertThat(ApiKeyToken.kindOf("sk_live_" + token.substring(8))).isNull();
        assertThat(ApiKeyToken.kindOf(token.replace('_', '-'))).isNull();
        assertThat(ApiKeyToken.kindOf("")).isNull();
    }

    @Test
    void hashIsSha256HexAndNeverTheToken() {
        String token = ApiKeyToken.generate(KeyKind.WORKSPACE);

        assertThat(ApiKeyToken.hash(token)).hasSize(64).doesNotContain(token.substring(8));
        assertThat(ApiKeyToken.hash(token)).isEqualTo(ApiKeyToken.hash(token));
        assertThat(ApiKeyToken.displayPrefix(token)).isEqualTo(token.substring(0, 12));
    }

    /**
     * Pinned examples: the admin CLI, every service and stored hashes depend on this exact format, so a
     * change to the alphabet, the checksum or the hash fails here first.
     */
    @Test
    void formatIsPinnedByGoldenTokens() {
        String workspace = "sa_live_0123456789abcdefghijABCDEFGHIJKL0RrULl";
        String affiliate = "refa_live_ZZZZyyyyXXXXwwww00001111222233332p0QtN";

        assertThat(ApiKeyToken.kindOf(workspace)).isEqualTo(KeyKind.WORKSPACE);
        assertThat(ApiKeyToken.kindOf(affiliate)).isEqualTo(KeyKind.AFFILIATE);
        assertThat(ApiKeyToken.hash(workspace)).isEqualTo("48621b41b078ff0d59e13e0ecb345fd8600682499f3750215c20fa2a132c08bf");
        assertThat(ApiKeyToken.hash(affiliate)).isEqualTo("c6ce57b7b53d55e8963a4dacda7550439fd13ef100ba7f72372d46c7da56faa1");
        assertThat(ApiKeyToken.hashBytes(workspace)).hasSize(32);
        assertThat(ApiKeyToken.displayPrefix(affiliate)).isEqualTo("refa_live_ZZZZ");
    }
}
