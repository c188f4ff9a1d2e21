/**
 * Per-request bounds (SPEC §10, §11). One place, so the API, the workers, the OpenAPI
 * document and the README all say the same numbers.
 */

/** A request body larger than this is refused with 413. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Data rows in one CSV (the header not counted). */
export const MAX_CSV_ROWS = 10_000;
/** `Hospital` elements in one EDXL-HAVE message. */
export const MAX_HOSPITALS_PER_MESSAGE = 500;
/** Characters of one free-text update. */
export const MAX_TEXT_CHARS = 5_000;
/** Updates waiting in the queue before a new post is refused with 503 (`PB_MAX_QUEUED`). */
export const DEFAULT_MAX_QUEUED = 200_000;
/** Updates a key may queue each second, sustained (`PB_UPDATE_RATE`). */
export const DEFAULT_UPDATE_RATE = 2_000;
/** Updates a key may queue in a burst above the sustained rate (`PB_UPDATE_BURST`). */
export const DEFAULT_UPDATE_BURST = 20_000;
/** The most of a rejected or failed update's raw input kept beside its reasons. */
export const MAX_RAW_EXCERPT_BYTES = 4 * 1024;
