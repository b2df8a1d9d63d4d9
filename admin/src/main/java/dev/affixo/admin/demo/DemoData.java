package dev.affixo.admin.demo;

import java.util.List;
import java.util.Map;

/**
 * What {@link DemoSeed} created. {@code keys} maps a role ({@code track}, {@code star}, {@code read},
 * {@code affiliate}, {@code revoked}, {@code ratelimit}) to its plaintext token.
 */
public record DemoData(long workspaceId, long otherWorkspaceId, Map<String, String> keys, List<String> refs,
                       String inactiveRef, String otherWorkspaceRef) {
}
