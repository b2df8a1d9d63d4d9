package dev.affixo.admin.links;

import java.time.OffsetDateTime;

public record LinkRow(long id, String ref, long affiliateId, Long campaignId, boolean active, OffsetDateTime createdAt) {
}
