import type { CreatedSubscription, Delivery, Subscription, SubscriptionCreate, TestDeliveryQueued } from '@pb/shared';
import { apiFetch } from '../lib/api';

/** How often, and how long, the page looks again at a subscription whose deliveries are still pending. */
const REFRESH_EVERY_MS = 1500;
const REFRESH_FOR_MS = 60_000;

/**
 * The subscriptions page's data: the caller's subscriptions and each one's recent
 * deliveries, refreshed while any of them is pending. Components read the getters
 * and call the actions; errors are thrown for the page's one error handler.
 */
export class SubscriptionsManager {
  #subscriptions = $state.raw<Subscription[]>([]);
  #deliveries = $state.raw<Record<string, Delivery[]>>({});
  #loaded = $state(false);
  #timers = new Map<string, ReturnType<typeof setTimeout>>();

  get subscriptions(): readonly Subscription[] {
    return this.#subscriptions;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  deliveriesOf(id: string): readonly Delivery[] | undefined {
    return this.#deliveries[id];
  }

  async load(signal?: AbortSignal): Promise<void> {
    const body = await apiFetch<{ subscriptions: Subscription[] }>('/subscriptions', signal ? { signal } : {});
    this.#subscriptions = body.subscriptions;
    this.#loaded = true;
    await Promise.all(body.subscriptions.map((subscription) => this.loadDeliveries(subscription.id)));
  }

  /** Creates a subscription; the answer carries a webhook's secret, shown this once. */
  async create(request: SubscriptionCreate): Promise<CreatedSubscription> {
    const created = await apiFetch<CreatedSubscription>('/subscriptions', { method: 'POST', body: request });
    const { secret: _secret, ...listed } = created;
    this.#subscriptions = [...this.#subscriptions, listed];
    this.#deliveries = { ...this.#deliveries, [created.id]: [] };
    return created;
  }

  async sendTest(id: string): Promise<TestDeliveryQueued> {
    const queued = await apiFetch<TestDeliveryQueued>(`/subscriptions/${encodeURIComponent(id)}/test`, { method: 'POST' });
    await this.loadDeliveries(id, Date.now());
    return queued;
  }

  async remove(id: string): Promise<void> {
    await apiFetch<unknown>(`/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
    this.#stopRefreshing(id);
    this.#subscriptions = this.#subscriptions.filter((subscription) => subscription.id !== id);
    const { [id]: _gone, ...rest } = this.#deliveries;
    this.#deliveries = rest;
  }

  /**
   * Reads a subscription's deliveries, and reads them again shortly while any is
   * pending (for at most a minute after `watchingSince`, when given).
   */
  async loadDeliveries(id: string, watchingSince?: number): Promise<void> {
    this.#stopRefreshing(id);
    const body = await apiFetch<{ deliveries: Delivery[] }>(`/subscriptions/${encodeURIComponent(id)}/deliveries`);
    if (!this.#subscriptions.some((subscription) => subscription.id === id)) return;
    this.#deliveries = { ...this.#deliveries, [id]: body.deliveries };
    const since = watchingSince ?? Date.now();
    if (body.deliveries.some((delivery) => delivery.state === 'pending')) {
      if (Date.now() - since < REFRESH_FOR_MS) {
        this.#timers.set(
          id,
          setTimeout(() => {
            // A failed refresh only means the list stays as it was until the next action.
            this.loadDeliveries(id, since).catch(() => undefined);
          }, REFRESH_EVERY_MS),
        );
      }
    } else if (watchingSince !== undefined) {
      // Settled: the subscription may have been disabled (410) or enabled again (a test got through).
      await this.#refreshList();
    }
  }

  /** Stops every refresh (the page is closing). */
  dispose(): void {
    for (const id of [...this.#timers.keys()]) this.#stopRefreshing(id);
  }

  async #refreshList(): Promise<void> {
    try {
      const body = await apiFetch<{ subscriptions: Subscription[] }>('/subscriptions');
      this.#subscriptions = body.subscriptions;
    } catch {
      // Kept as it was; the next load or action reads it again.
    }
  }

  #stopRefreshing(id: string): void {
    const timer = this.#timers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.#timers.delete(id);
  }
}
