import type { Alert, AlertEvent, BoardSnapshot, Derogation, DerogationEvent, Site, SiteStatus, StatusEvent } from '@pb/shared';
import { apiFetch } from './api';
import {
  advanceSeq,
  applyAlertEvent,
  applyDerogationEvent,
  applyStatusEvent,
  boardFromSnapshot,
  EMPTY_BOARD,
  isLoaded,
  mergeAlert,
  mergeDerogation,
  sequenceDecision,
  type BoardData,
  type SeqDecision,
} from './board-reducer';
import { derogationsAsOf, mergeLoadedDerogations } from './derogations';
import { handleError } from './errors.svelte';
import { feedItemFromAlert, feedItemFromStatus, prependCapped, type FeedItem } from './feed';

export interface BoardStateOptions {
  /** Keep a change feed (the wallboard does not need one). */
  feed: boolean;
  /** The subscription is filtered by region, so seq gaps are expected. */
  filtered: boolean;
}

/**
 * The board's data: the live state kept current by socket events, the reference sites,
 * the change feed, and (time machine) a past state shown instead of the live one while
 * live events keep being applied in the background.
 */
/**
 * Events are applied at once to a plain working copy (so seq and gap decisions are
 * always current) and published to the screen at most this often: a lone event shows
 * at once, a burst of thousands re-renders the board a few times a second, not per event.
 */
const PUBLISH_EVERY_MS = 250;

export class BoardState {
  #working: BoardData = EMPTY_BOARD;
  #workingFeed: FeedItem[] = [];
  #publishTimer: ReturnType<typeof setTimeout> | null = null;
  #publishedAt = 0;
  #live = $state.raw<BoardData>(EMPTY_BOARD);
  #past = $state.raw<BoardData | null>(null);
  #pastAt = $state<string | null>(null);
  #catalogue = $state.raw<Readonly<Record<string, Site>>>({});
  #feed = $state.raw<FeedItem[]>([]);
  /** Ids of derogation requests changed since the current `GET /derogations` was sent. */
  #derogationsTouched: Set<string> | null = null;
  #derogationLoads = 0;
  readonly #options: BoardStateOptions;

  constructor(options: BoardStateOptions) {
    this.#options = options;
  }

  get filtered(): boolean {
    return this.#options.filtered;
  }

  /** The live board as last published to the screen, whatever is on screen. */
  get live(): BoardData {
    return this.#live;
  }

  /** The last seq applied (may be ahead of what is on screen by one publish interval). */
  get lastSeq(): number {
    return this.#working.seq;
  }

  /** What the screen shows: the past board in time-machine mode, otherwise the live one. */
  get displayed(): BoardData {
    return this.#past ?? this.#live;
  }

  get isPast(): boolean {
    return this.#past !== null;
  }

  get pastAt(): string | null {
    return this.#pastAt;
  }

  get loaded(): boolean {
    return isLoaded(this.displayed);
  }

  get catalogue(): Readonly<Record<string, Site>> {
    return this.#catalogue;
  }

  get feed(): readonly FeedItem[] {
    return this.#feed;
  }

  siteName = (code: string): string => this.#catalogue[code]?.name ?? this.#working.sites[code]?.name ?? code;

  /** Loads the reference sites (positions, trust and region names). */
  async loadCatalogue(signal?: AbortSignal): Promise<void> {
    const body = await apiFetch<{ sites: (Site & { status?: SiteStatus })[] }>('/sites', signal ? { signal } : {});
    const catalogue: Record<string, Site> = {};
    for (const site of body.sites) catalogue[site.code] = site;
    this.#catalogue = catalogue;
  }

  /** First paint from `GET /board`; ignored if the socket has already delivered a board. */
  async loadInitial(signal?: AbortSignal): Promise<void> {
    void this.loadDerogations(signal);
    const snapshot = await apiFetch<BoardSnapshot>('/board', signal ? { signal } : {});
    if (!isLoaded(this.#working)) {
      this.#working = boardFromSnapshot(snapshot, this.#working.derogations);
      this.#publish();
    }
  }

  /**
   * (Re)loads the derogation requests, which the board snapshot does not carry. Events
   * applied while the request is in flight are kept when newer, and only the newest of
   * overlapping loads is used. Failures go to the notice area.
   */
  async loadDerogations(signal?: AbortSignal): Promise<void> {
    const load = ++this.#derogationLoads;
    const touched = new Set<string>();
    this.#derogationsTouched = touched;
    try {
      const body = await apiFetch<{ derogations: Derogation[] }>('/derogations', signal ? { signal } : {});
      if (load !== this.#derogationLoads) return;
      this.#derogationsTouched = null;
      const derogations = mergeLoadedDerogations(Array.isArray(body.derogations) ? body.derogations : [], this.#working.derogations, touched);
      this.#working = { ...this.#working, derogations };
      this.#publish();
    } catch (error) {
      if (load === this.#derogationLoads) this.#derogationsTouched = null;
      handleError(error, 'Could not load the derogation requests');
    }
  }

  /** A `snapshot` event replaces the live board, whatever its seq (the server may have been reset). */
  applySnapshot(snapshot: BoardSnapshot): void {
    this.#working = boardFromSnapshot(snapshot, this.#working.derogations);
    this.#publish();
    void this.loadDerogations();
  }

  handleStatus(event: StatusEvent): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, event.seq, this.#options.filtered);
    if (decision !== 'apply') return decision;
    this.#working = applyStatusEvent(this.#working, event);
    if (this.#options.feed) this.#workingFeed = prependCapped(this.#workingFeed, feedItemFromStatus(event, this.siteName));
    this.#schedulePublish();
    return decision;
  }

  handleAlert(event: AlertEvent): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, event.seq, this.#options.filtered);
    if (decision !== 'apply') return decision;
    if (this.#options.feed) {
      this.#workingFeed = prependCapped(this.#workingFeed, feedItemFromAlert(event, this.#working.alerts[event.id], this.#working.sites[event.site]));
    }
    this.#working = applyAlertEvent(this.#working, event);
    this.#schedulePublish();
    return decision;
  }

  handleDerogation(event: DerogationEvent): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, event.seq, this.#options.filtered);
    if (decision !== 'apply') return decision;
    this.#derogationsTouched?.add(event.derogation.id);
    this.#working = applyDerogationEvent(this.#working, event);
    this.#schedulePublish();
    return decision;
  }

  /** An event that carries nothing the board shows still moves `seq`. */
  handleOtherEvent(seq: number): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, seq, this.#options.filtered);
    if (decision === 'apply') {
      this.#working = advanceSeq(this.#working, seq);
      this.#schedulePublish();
    }
    return decision;
  }

  /** Shows an acknowledgement at once, before its event arrives. */
  mergeAlert(alert: Alert): void {
    this.#working = mergeAlert(this.#working, alert);
    this.#publish();
    if (this.#past?.alerts[alert.id]) this.#past = mergeAlert(this.#past, alert);
  }

  /** Shows a request the API returned (after a change) at once, before its event arrives. */
  mergeDerogation(derogation: Derogation): void {
    this.#derogationsTouched?.add(derogation.id);
    this.#working = mergeDerogation(this.#working, derogation);
    this.#publish();
  }

  /** Stops the pending publish; call when the page goes away. */
  destroy(): void {
    if (this.#publishTimer) clearTimeout(this.#publishTimer);
    this.#publishTimer = null;
  }

  #schedulePublish(): void {
    if (this.#publishTimer) return;
    const wait = this.#publishedAt + PUBLISH_EVERY_MS - Date.now();
    // The first event after a quiet spell is shown at once, even when the server sent it
    // in one frame with the events that followed it: those wait for the next publish.
    if (wait <= 0) {
      this.#publish();
      return;
    }
    this.#publishTimer = setTimeout(() => {
      this.#publishTimer = null;
      this.#publish();
    }, wait);
  }

  #publish(): void {
    if (this.#publishTimer) {
      clearTimeout(this.#publishTimer);
      this.#publishTimer = null;
    }
    this.#publishedAt = Date.now();
    this.#live = this.#working;
    this.#feed = this.#workingFeed;
  }

  /** Time machine: loads and shows the board as it was at `at` (ISO). */
  async showPast(at: string, signal?: AbortSignal): Promise<void> {
    const snapshot = await apiFetch<BoardSnapshot>(`/board?at=${encodeURIComponent(at)}`, signal ? { signal } : {});
    // Derogation requests are not in the past board; their histories say how they stood then.
    this.#past = boardFromSnapshot(snapshot, derogationsAsOf(this.#working.derogations, at));
    this.#pastAt = at;
  }

  backToLive(): void {
    this.#past = null;
    this.#pastAt = null;
  }
}
