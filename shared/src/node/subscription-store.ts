import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';
import {
  DELIVERIES_KEPT,
  MAX_SUBSCRIPTIONS,
  deliverySchema,
  storedSubscriptionSchema,
  type Delivery,
  type NotificationChannel,
  type StoredSubscription,
  type Subscription,
} from '../subscriptions.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** lua/record-delivery.lua */
    pbRecordDelivery(subscriptions: string, order: string, records: string, subscriptionId: string, deliveryId: string, record: string, createdMs: string, kept: string, mode: 'create' | 'update'): Result<number, Context>;
    /** lua/disable-subscription.lua */
    pbDisableSubscription(subscriptions: string, disabled: string, subscriptionId: string, why: string): Result<number, Context>;
  }
}

const withScripts = new WeakSet<Redis>();

/** Defines the scripts once per connection; ioredis then runs them by EVALSHA. */
function defineScripts(redis: Redis): void {
  if (withScripts.has(redis)) return;
  withScripts.add(redis);
  redis.defineCommand('pbRecordDelivery', { numberOfKeys: 3, lua: lua('record-delivery') });
  redis.defineCommand('pbDisableSubscription', { numberOfKeys: 2, lua: lua('disable-subscription') });
}

/** A subscription with its receiver's state. */
export interface SubscriptionRecord {
  stored: StoredSubscription;
  disabled?: { at: string; reason: string };
}

/** The listed form of a subscription: no secret, no key id. */
export function publicSubscription(record: SubscriptionRecord): Subscription {
  const { secret: _secret, createdByKeyId: _keyId, ...rest } = record.stored;
  return { ...rest, ...(record.disabled ? { disabledAt: record.disabled.at, disabledReason: record.disabled.reason } : {}) };
}

function parseDisabled(json: string | null | undefined): SubscriptionRecord['disabled'] {
  if (!json) return undefined;
  const value = JSON.parse(json) as { at?: unknown; reason?: unknown };
  return { at: String(value.at ?? ''), reason: String(value.reason ?? '') };
}

/**
 * Notification subscriptions (SPEC §14): a hash of id → JSON, at most
 * `MAX_SUBSCRIPTIONS`, with those disabled by a `410 Gone` in a hash beside it.
 */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    defineScripts(redis);
  }

  /** Stores a new subscription; false (and nothing stored) when the board already holds the most it may. */
  async create(subscription: StoredSubscription): Promise<boolean> {
    const replies = await this.redis.multi().hset(this.keys.subscriptions, subscription.id, JSON.stringify(subscription)).hlen(this.keys.subscriptions).exec();
    const count = Number(replies?.[1]?.[1] ?? 0);
    if (count <= MAX_SUBSCRIPTIONS) return true;
    await this.redis.hdel(this.keys.subscriptions, subscription.id);
    return false;
  }

  async get(id: string): Promise<SubscriptionRecord | null> {
    const [json, disabled] = await Promise.all([this.redis.hget(this.keys.subscriptions, id), this.redis.hget(this.keys.disabledSubscriptions, id)]);
    if (!json) return null;
    return { stored: storedSubscriptionSchema.parse(JSON.parse(json)), disabled: parseDisabled(disabled) };
  }

  /** Every subscription, oldest first. */
  async list(): Promise<SubscriptionRecord[]> {
    const [all, disabled] = await Promise.all([this.redis.hgetall(this.keys.subscriptions), this.redis.hgetall(this.keys.disabledSubscriptions)]);
    return Object.entries(all)
      .map(([id, json]) => ({ stored: storedSubscriptionSchema.parse(JSON.parse(json)), disabled: parseDisabled(disabled[id]) }))
      .sort((a, b) => a.stored.createdAt.localeCompare(b.stored.createdAt) || a.stored.id.localeCompare(b.stored.id));
  }

  /** Deletes a subscription and its delivery log; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .hdel(this.keys.subscriptions, id)
      .hdel(this.keys.disabledSubscriptions, id)
      .del(this.keys.deliveryOrder(id), this.keys.deliveryRecords(id))
      .exec();
    return Number(replies?.[0]?.[1] ?? 0) === 1;
  }

  /** Stops deliveries to a receiver that said it is gone; false when the subscription no longer exists. */
  async disable(id: string, reason: string): Promise<boolean> {
    return (await this.redis.pbDisableSubscription(this.keys.subscriptions, this.keys.disabledSubscriptions, id, JSON.stringify({ at: new Date().toISOString(), reason }))) === 1;
  }

  async enable(id: string): Promise<void> {
    await this.redis.hdel(this.keys.disabledSubscriptions, id);
  }
}

/** How a delivery ended, counted per channel for /metrics. */
export const DELIVERY_OUTCOMES = ['delivered', 'retried', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * Each subscription's recent deliveries (the last `DELIVERIES_KEPT`), and the board's
 * delivery counts by channel and outcome.
 */
export class DeliveryLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    defineScripts(redis);
  }

  /**
   * Logs a delivery: `create` only when it is not logged yet (a stream entry handled
   * twice must not set a delivered entry back to pending), `update` always.
   * Returns false when the subscription no longer exists (nothing is written).
   */
  async record(subscriptionId: string, delivery: Delivery, mode: 'create' | 'update', createdMs = Date.now()): Promise<boolean> {
    const written = await this.redis.pbRecordDelivery(
      this.keys.subscriptions,
      this.keys.deliveryOrder(subscriptionId),
      this.keys.deliveryRecords(subscriptionId),
      subscriptionId,
      delivery.id,
      JSON.stringify(delivery),
      String(createdMs),
      String(DELIVERIES_KEPT),
      mode,
    );
    return written === 1;
  }

  async get(subscriptionId: string, deliveryId: string): Promise<Delivery | null> {
    const json = await this.redis.hget(this.keys.deliveryRecords(subscriptionId), deliveryId);
    return json ? deliverySchema.parse(JSON.parse(json)) : null;
  }

  /** Newest first. */
  async list(subscriptionId: string, limit = DELIVERIES_KEPT): Promise<Delivery[]> {
    const ids = await this.redis.zrevrange(this.keys.deliveryOrder(subscriptionId), 0, limit - 1);
    if (ids.length === 0) return [];
    const records = await this.redis.hmget(this.keys.deliveryRecords(subscriptionId), ...ids);
    return records.flatMap((json) => (json ? [deliverySchema.parse(JSON.parse(json))] : []));
  }

  async count(channel: NotificationChannel, outcome: DeliveryOutcome): Promise<void> {
    await this.redis.hincrby(this.keys.deliveryCounts, `${channel}:${outcome}`, 1);
  }

  /** Every worker's deliveries so far, by channel and outcome. */
  async counts(): Promise<{ channel: string; outcome: string; count: number }[]> {
    const all = await this.redis.hgetall(this.keys.deliveryCounts);
    return Object.entries(all).map(([field, count]) => {
      const [channel = '', outcome = ''] = field.split(':');
      return { channel, outcome, count: Number(count) };
    });
  }
}
