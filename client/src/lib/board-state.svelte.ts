import { sequenceDecision, type Alert, type AlertEvent, type BoardSnapshot, type Derogation, type DerogationEvent, type SeqDecision, type Site, type SiteStatus, type StatusEvent } from '@pb/shared';
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
  type BoardData,
} from './board-reducer';
import { BoardView } from './board-view.svelte';
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
 * Events are applied at once to a plain working copy (so seq and gap decisions are
 * always current) and shown at most this often: a lone event shows at once, a burst of
 * thousands redraws the sites they touched a few times a second, not per event.
 */
const PUBLISH_EVERY_MS = 250;

/**
 * The board's data: the live board kept current by socket events, the reference sites,
 * the change feed, and (time machine) a past board shown instead of the live one while
 * live events keep being applied in the background. Showing a batch of events touches
 * only the sites they changed.
 */
export class BoardState {
  #working: BoardData = EMPTY_BOARD;
  #workingSites = new Map<string, SiteStatus>();
  /** Sites changed since the last publish; null when a snapshot replaced them all. */
  #dirty: Set<string> | null = new Set();
  #workingFeed: FeedItem[] = [];
  #publishTimer: ReturnType<typeof setTimeout> | null = null;
  #publishedAt = 0;
  readonly #live = new BoardView();
  #past = $state.raw<BoardView | null>(null);
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

  /** The live board as last shown, whatever is on screen. */
  get live(): BoardView {
    return this.#live;
  }

  /** The last seq applied (may be ahead of what is on screen by one publish interval). */
  get lastSeq(): number {
    return this.#working.seq;
  }

  /** What the screen shows: the past board in time-machine mode, otherwise the live one. */
  get displayed(): BoardView {
    return this.#past ?? this.#live;
  }

  get isPast(): boolean {
    return this.#past !== null;
  }

  get pastAt(): string | null {
    return this.#pastAt;
  }

  get loaded(): boolean {
    return this.displayed.loaded;
  }

  get catalogue(): Readonly<Record<string, Site>> {
    return this.#catalogue;
  }

  get feed(): readonly FeedItem[] {
    return this.#feed;
  }

  siteName = (code: string): string => this.#catalogue[code]?.name ?? this.#workingSites.get(code)?.name ?? code;

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
    if (!isLoaded(this.#working)) this.#takeSnapshot(snapshot);
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
    this.#takeSnapshot(snapshot);
    void this.loadDerogations();
  }

  handleStatus(event: StatusEvent): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, event.seq, this.#options.filtered);
    if (decision !== 'apply') return decision;
    this.#working = applyStatusEvent(this.#working, event);
    this.#workingSites.set(event.site, event.status);
    this.#dirty?.add(event.site);
    if (this.#options.feed) this.#workingFeed = prependCapped(this.#workingFeed, feedItemFromStatus(event, this.siteName));
    this.#schedulePublish();
    return decision;
  }

  handleAlert(event: AlertEvent): SeqDecision {
    const decision = sequenceDecision(this.#working.seq, event.seq, this.#options.filtered);
    if (decision !== 'apply') return decision;
    if (this.#options.feed) {
      this.#workingFeed = prependCapped(this.#workingFeed, feedItemFromAlert(event, this.#working.alerts[event.id], this.#workingSites.get(event.site)));
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
    const past = this.#past;
    if (past?.alerts[alert.id]) past.setBoard(mergeAlert(past.board, alert));
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

  #takeSnapshot(snapshot: BoardSnapshot): void {
    this.#working = boardFromSnapshot(snapshot, this.#working.derogations);
    this.#workingSites = new Map(snapshot.sites.map((status) => [status.site, status]));
    this.#dirty = null;
    this.#publish();
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
    const dirty = this.#dirty;
    if (dirty === null) this.#live.sites.replaceAll(this.#workingSites.values());
    else if (dirty.size > 0) {
      const changed: SiteStatus[] = [];
      for (const code of dirty) {
        const status = this.#workingSites.get(code);
        if (status) changed.push(status);
      }
      this.#live.sites.apply(changed);
    }
    this.#dirty = new Set();
    this.#live.setBoard(this.#working);
    if (this.#feed !== this.#workingFeed) this.#feed = this.#workingFeed;
  }

  /** Time machine: loads and shows the board as it was at `at` (ISO). */
  async showPast(at: string, signal?: AbortSignal): Promise<void> {
    const snapshot = await apiFetch<BoardSnapshot>(`/board?at=${encodeURIComponent(at)}`, signal ? { signal } : {});
    const past = new BoardView();
    past.sites.replaceAll(snapshot.sites);
    // Derogation requests are not in the past board; their histories say how they stood then.
    past.setBoard(boardFromSnapshot(snapshot, derogationsAsOf(this.#working.derogations, at)));
    this.#past = past;
    this.#pastAt = at;
  }

  backToLive(): void {
    this.#past = null;
    this.#pastAt = null;
  }
}
