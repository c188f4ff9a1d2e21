import { randomBytes, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import {
  ALERT_KINDS,
  REGION_CODES,
  deliveryJobOptions,
  isUrlChannel,
  maySeeSubscription,
  testDeliveryId,
  type CreatedSubscription,
  type Delivery,
  type NotificationJob,
  type StoredSubscription,
  type Subscription,
  type SubscriptionCreate,
  type TestDeliveryQueued,
} from '@pb/shared';
import { publicSubscription, resolveTarget, TargetRefusedError, TargetUnresolvedError, type DeliveryLog, type SubscriptionRecord, type SubscriptionStore, type TargetPolicy } from '@pb/shared/node';
import type { Caller } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, notFound, type ErrorDetail } from '../http/api-error.js';

export interface SubscriptionServiceDeps {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLog;
  /** The notifications queue: tests are delivered by the workers, never in the request. */
  queue: Queue;
  policy: TargetPolicy;
  /** Whether this board can send email at all (PB_SMTP_URL). */
  emailConfigured: boolean;
}

/**
 * Subscriptions as the API manages them (SPEC §14): who may create, see, test and
 * delete which, and what a target must be. Errors are the API's own.
 */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDeps) {}

  async create(caller: Caller, request: SubscriptionCreate): Promise<CreatedSubscription> {
    const scope = caller.role === 'director' && caller.regions?.length ? caller.regions : null;
    const outside = scope ? (request.regions ?? []).filter((region) => !scope.includes(region)) : [];
    if (scope && outside.length) throw forbidden(`This key may not subscribe to alerts in region ${outside.join(', ')}; it covers ${scope.join(', ')}.`);
    if (request.channel === 'email' && !this.deps.emailConfigured) {
      throw badRequest('This board cannot send email: PB_SMTP_URL is not set.', [{ path: 'channel', message: 'email needs PB_SMTP_URL on the board' }]);
    }
    if (isUrlChannel(request.channel)) {
      const problems = (await Promise.all([this.targetProblem('target', request.target), request.escalateTo ? this.targetProblem('escalateTo', request.escalateTo) : null])).filter((problem) => problem !== null);
      if (problems.length) throw badRequest(problems.map((problem) => `${problem.path}: ${problem.message}`).join(' '), problems);
    }
    const stored: StoredSubscription = {
      id: randomUUID(),
      label: request.label,
      channel: request.channel,
      target: request.target,
      kinds: request.kinds ?? [...ALERT_KINDS],
      // A scoped director's subscription covers its own regions, never all England.
      regions: request.regions ?? scope ?? [...REGION_CODES],
      ...(request.escalateAfterMin !== undefined ? { escalateAfterMin: request.escalateAfterMin } : {}),
      ...(request.escalateTo !== undefined ? { escalateTo: request.escalateTo } : {}),
      createdAt: new Date().toISOString(),
      createdBy: caller.label,
      createdByKeyId: caller.id,
      ...(request.channel === 'webhook' ? { secret: randomBytes(32).toString('base64url') } : {}),
    };
    if (!(await this.deps.subscriptions.create(stored))) {
      throw new ApiError(409, 'limit_reached', `The board already has the most subscriptions it holds; delete some first.`);
    }
    const created: CreatedSubscription = publicSubscription({ stored });
    return stored.secret ? { ...created, secret: stored.secret } : created;
  }

  /** The subscriptions this caller may see: all for admins and unscoped directors, else those within its regions. */
  async list(caller: Caller): Promise<Subscription[]> {
    return (await this.deps.subscriptions.list()).filter((record) => maySeeSubscription(caller, record.stored)).map(publicSubscription);
  }

  async remove(caller: Caller, id: string): Promise<Subscription> {
    const record = await this.visible(caller, id);
    await this.deps.subscriptions.delete(id);
    return publicSubscription(record);
  }

  /** Queues a `test` notification; the workers deliver it like any other. */
  async test(caller: Caller, id: string): Promise<TestDeliveryQueued> {
    await this.visible(caller, id);
    const deliveryId = testDeliveryId(id, randomBytes(6).toString('hex'));
    const now = Date.now();
    await this.deps.deliveries.record(id, { id: deliveryId, type: 'test', attempts: 0, state: 'pending', at: new Date(now).toISOString() }, 'create', now);
    const job: NotificationJob = { deliveryId, subscriptionId: id, type: 'test' };
    await this.deps.queue.add('deliver', job, deliveryJobOptions(deliveryId));
    return { deliveryId, state: 'pending' };
  }

  async deliveries(caller: Caller, id: string): Promise<Delivery[]> {
    await this.visible(caller, id);
    return this.deps.deliveries.list(id);
  }

  private async visible(caller: Caller, id: string): Promise<SubscriptionRecord> {
    const record = await this.deps.subscriptions.get(id);
    if (!record) throw notFound(`No subscription with id ${id}.`);
    if (!maySeeSubscription(caller, record.stored)) throw forbidden(`This key may not manage subscription ${id}: it covers regions outside the key's (${record.stored.regions.join(', ')}).`);
    return record;
  }

  /** Checks a URL target now, DNS included (it is checked again at each delivery). */
  private async targetProblem(path: 'target' | 'escalateTo', target: string): Promise<ErrorDetail | null> {
    try {
      await resolveTarget(target, this.deps.policy);
      return null;
    } catch (error) {
      if (error instanceof TargetRefusedError || error instanceof TargetUnresolvedError) return { path, message: error.message };
      throw error;
    }
  }
}
