import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_STALE_AFTER_MINUTES } from '../rules/severity.js';
import { DEFAULT_MAX_QUEUED, DEFAULT_UPDATE_BURST, DEFAULT_UPDATE_RATE } from '../limits.js';
import { readOidcConfig, type OidcConfig } from './oidc-config.js';

/** An on/off setting: 1, true, yes or on, and their opposites. */
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''], { message: 'must be 1 or 0' })
  .default('0')
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

/** Express's names for address ranges, usable in a trust-proxy list. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One entry of a trust-proxy list: a range name, an address, or an address/prefix. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Which reverse proxies may say who the client is (`X-Forwarded-For`, `-Proto`, `-Host`):
 * a number of hops, or a comma-separated list of addresses, subnets and the names
 * loopback, linklocal and uniquelocal (Express's `trust proxy`).
 */
const trustProxy = z
  .string()
  .default('loopback')
  .transform((value, context) => {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const entries = trimmed.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    const bad = entries.filter((entry) => !isProxyEntry(entry));
    if (entries.length === 0 || bad.length > 0) {
      context.addIssue({ code: 'custom', message: `must be a number of proxies, or addresses, subnets (10.0.0.0/8) and loopback, linklocal or uniquelocal, separated by commas${bad.length ? ` — not ${bad.map((entry) => JSON.stringify(entry)).join(', ')}` : ''}` });
      return z.NEVER;
    }
    return entries;
  });

const envSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number, 0–65535' }).int('must be a port number, 0–65535').min(0, 'must be a port number, 0–65535').max(65535, 'must be a port number, 0–65535').default(3000),
  REDIS_URL: z.string().regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis://, rediss:// or redis+cluster://host:port,host:port URL').optional(),
  PB_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  PB_STALE_AFTER: z.coerce.number({ message: 'must be a number of minutes' }).int('must be a whole number of minutes').positive('must be a positive number of minutes').default(DEFAULT_STALE_AFTER_MINUTES),
  PB_SITES_FILE: z.string().optional(),
  PB_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'may hold only letters, digits, ":", "_" and "-"').default('pb'),
  /** Requests per second per key before 429 (SPEC §10: never below 50/s sustained, bursts of 200). */
  PB_RATE_LIMIT: z.coerce.number({ message: 'must be a number of requests per second' }).int('must be a whole number').min(50, 'must be at least 50 requests per second').default(200),
  PB_WORKER_CONCURRENCY: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be 1–256').max(256, 'must be 1–256').default(16),
  /** SPEC §11: updates waiting in the queue before new posts get 503. */
  PB_MAX_QUEUED: z.coerce.number({ message: 'must be a number of updates' }).int('must be a whole number').min(1, 'must be at least 1').default(DEFAULT_MAX_QUEUED),
  /** SPEC §11: updates a key may queue each second, sustained, and in a burst above that. */
  PB_UPDATE_RATE: z.coerce.number({ message: 'must be a number of updates per second' }).int('must be a whole number').min(1, 'must be at least 1').default(DEFAULT_UPDATE_RATE),
  PB_UPDATE_BURST: z.coerce.number({ message: 'must be a number of updates' }).int('must be a whole number').min(0, 'must be 0 or more').default(DEFAULT_UPDATE_BURST),
  /** Notifications (SPEC §14): the SMTP server for email, and who the mail is from. */
  PB_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  PB_MAIL_FROM: z.string().min(3, 'must be an email address, e.g. Pressure Board <board@example.nhs.uk>').default('Pressure Board <pressure-board@localhost>'),
  /** Where people open the board; notifications link to it. Defaults to http://localhost:PORT. */
  PB_PUBLIC_URL: z.string().regex(/^https?:\/\/[^/\s]+/, 'must be an http:// or https:// URL').optional(),
  PB_WEBHOOK_ALLOW_PRIVATE: flag,
  PB_WEBHOOK_ALLOW_HTTP: flag,
  PB_TRUST_PROXY: trustProxy,
  /** Test only: the length of an escalation "minute", so escalateAfterMin can be tried in seconds. */
  PB_ESCALATION_MINUTE_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int('must be a whole number').min(10, 'must be 10–60000').max(60_000, 'must be 10–60000').default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  redisUrl: string;
  adminKey: string | undefined;
  staleAfterMinutes: number;
  sitesFile: string | undefined;
  keyPrefix: string;
  rateLimitPerSecond: number;
  workerConcurrency: number;
  maxQueued: number;
  updateRatePerSecond: number;
  updateBurst: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  smtpUrl: string | undefined;
  mailFrom: string;
  /** No trailing slash. */
  publicUrl: string;
  /** Webhook, Teams and Slack targets may be loopback, private or link-local addresses. */
  webhookAllowPrivate: boolean;
  /** Targets may be plain http:// URLs. */
  webhookAllowHttp: boolean;
  /** Milliseconds in an escalation minute: 60,000 except in tests. */
  escalationMinuteMs: number;
  /** Single sign-on with the organisation's identity provider; undefined: keys only. */
  oidc: OidcConfig | undefined;
  /** The reverse proxies trusted to name the client (hops, or addresses and ranges); Express's `trust proxy`. */
  trustProxy: number | string[];
}

export class ConfigError extends Error {}

/**
 * Reads the configuration once, at start-up, and says exactly what is wrong with it
 * (SPEC §8). `requireRedisUrl` is for processes that cannot start their own Redis.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { requireRedisUrl?: boolean } = {}): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  const oidc = readOidcConfig(env, problems);
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
  }
  const e = parsed.data;
  if (options.requireRedisUrl && !e.REDIS_URL) {
    throw new ConfigError('REDIS_URL is required (e.g. REDIS_URL=redis://127.0.0.1:6379). `npm start` starts a Redis of its own instead.');
  }
  return {
    port: e.PORT,
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    adminKey: e.PB_ADMIN_KEY,
    staleAfterMinutes: e.PB_STALE_AFTER,
    sitesFile: e.PB_SITES_FILE,
    keyPrefix: e.PB_KEY_PREFIX,
    rateLimitPerSecond: e.PB_RATE_LIMIT,
    workerConcurrency: e.PB_WORKER_CONCURRENCY,
    maxQueued: e.PB_MAX_QUEUED,
    updateRatePerSecond: e.PB_UPDATE_RATE,
    updateBurst: e.PB_UPDATE_BURST,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.PB_SMTP_URL,
    mailFrom: e.PB_MAIL_FROM,
    publicUrl: (e.PB_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    webhookAllowPrivate: e.PB_WEBHOOK_ALLOW_PRIVATE,
    webhookAllowHttp: e.PB_WEBHOOK_ALLOW_HTTP,
    escalationMinuteMs: e.PB_ESCALATION_MINUTE_MS,
    oidc,
    trustProxy: e.PB_TRUST_PROXY,
  };
}
