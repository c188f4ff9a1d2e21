/**
 * Every Redis key of one board, BullMQ's included, shares one hash tag derived from
 * the prefix, so the product runs unchanged on Redis Cluster (SPEC §9).
 */
export function redisKeys(prefix: string) {
  const tag = `{${prefix}}`;
  return {
    tag,
    /** BullMQ's `prefix` option: its keys become `{pb}:bull:<queue>:…`. */
    bullPrefix: `${tag}:bull`,
    status: `${tag}:status`,
    versions: `${tag}:versions`,
    seq: `${tag}:seq`,
    events: `${tag}:events`,
    seqTimes: `${tag}:seq-times`,
    alerts: `${tag}:alerts`,
    openAlerts: `${tag}:alerts-open`,
    staleSites: `${tag}:stale-sites`,
    history: (site: string) => `${tag}:history:${site}`,
    update: (id: string) => `${tag}:update:${id}`,
    rejections: `${tag}:rejections`,
    idempotency: (keyId: string, idempotencyKey: string) => `${tag}:idem:${keyId}:${idempotencyKey}`,
    apiKeys: `${tag}:keys`,
    apiKeyHashes: `${tag}:key-hashes`,
    /** Hashes of revoked keys (one per revoked key), so a revoked PB_ADMIN_KEY is not issued again. */
    revokedKeyHashes: `${tag}:key-hashes-revoked`,
    bootstrap: `${tag}:bootstrap-admin`,
    session: (id: string) => `${tag}:session:${id}`,
    /** A single sign-on under way: its state, nonce and PKCE verifier, 10 minutes, read once. */
    oidcFlow: (id: string) => `${tag}:oidc-flow:${id}`,
    rateLimit: `${tag}:rl:`,
    /** Per-key count of updates queued (SPEC §11), kept by rate-limiter-flexible. */
    updateRateLimit: `${tag}:rl-updates`,
    /** Updates waiting in the queue, and what each waiting job holds (the queue-depth bound). */
    queuedUpdates: `${tag}:queued-updates`,
    queuedJobs: `${tag}:queued-jobs`,
    derogations: `${tag}:derogations`,
    audit: `${tag}:audit`,
    /** Notification subscriptions, id → JSON (at most MAX_SUBSCRIPTIONS), and those a 410 disabled. */
    subscriptions: `${tag}:subscriptions`,
    disabledSubscriptions: `${tag}:subscriptions-disabled`,
    /** A subscription's delivery log: ids by time (zset) and records (hash), the last DELIVERIES_KEPT. */
    deliveryOrder: (subscriptionId: string) => `${tag}:deliveries:${subscriptionId}`,
    deliveryRecords: (subscriptionId: string) => `${tag}:delivery-records:${subscriptionId}`,
    /** Delivery outcomes by `channel:state`, for /metrics (a dozen counters). */
    deliveryCounts: `${tag}:delivery-counts`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
