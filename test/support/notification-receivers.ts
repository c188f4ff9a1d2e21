import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One request a receiver got, as it arrived. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  json: any;
  /** The status the receiver answered with (undefined if it never answered). */
  answered?: number;
  at: number;
}

/** How to answer the `n`th request (0-based) for a path: a status, optionally after a delay. */
export type Responder = (request: ReceivedRequest, nth: number) => { status: number; delayMs?: number };

/**
 * A real HTTP receiver in the test process for webhook, Teams and Slack deliveries.
 * Each path answers as its responder says (200 by default); every request is kept, and
 * tests wait for the ones they expect by event, not by sleeping.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly events = new EventEmitter();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<HttpReceiver> {
    let receiver: HttpReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => receiver!.handle(req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    receiver = new HttpReceiver(server, (server.address() as AddressInfo).port);
    return receiver;
  }

  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respond(path: string, responder: Responder): void {
    this.responders.set(path, responder);
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Resolves with the requests for `path` once `check` holds for them. */
  async waitFor(path: string, check: (requests: ReceivedRequest[]) => boolean, timeoutMs = 20_000, what = `requests at ${path}`): Promise<ReceivedRequest[]> {
    if (check(this.at(path))) return this.at(path);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('answered', onRequest);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.at(path).map((r) => ({ type: r.json?.type, delivery: r.headers['x-pb-delivery'], answered: r.answered })))}`));
      }, timeoutMs);
      const onRequest = () => {
        if (!check(this.at(path))) return;
        clearTimeout(timer);
        this.events.off('answered', onRequest);
        resolve(this.at(path));
      };
      this.events.on('answered', onRequest);
    });
  }

  private handle(url: string, headers: IncomingHttpHeaders, rawBody: string, res: import('node:http').ServerResponse): void {
    const path = url.split('?')[0] ?? '/';
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      json = undefined;
    }
    const request: ReceivedRequest = { path, headers, rawBody, json, at: Date.now() };
    const nth = this.at(path).length;
    this.requests.push(request);
    const responder: Responder = this.responders.get(path) ?? (() => ({ status: 200 }));
    const { status, delayMs = 0 } = responder(request, nth);
    // A sender that gave up (its timeout) never sees the answer: that request stays unanswered.
    let senderGone = false;
    res.on('close', () => {
      if (request.answered === undefined) senderGone = true;
    });
    const answer = () => {
      if (!senderGone) {
        request.answered = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `answer ${status}`);
      }
      this.events.emit('answered');
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A real SMTP server in the test process; every message it accepts is parsed and kept. */
export class SmtpReceiver {
  readonly messages: (ParsedMail & { envelopeTo: string[] })[] = [];
  private readonly events = new EventEmitter();
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpReceiver> {
    let receiver: SmtpReceiver | undefined;
    const server = new SMTPServer({
      // A local test server: no TLS certificate to offer, no sign-in to ask for.
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            receiver!.messages.push({ ...mail, envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address) });
            receiver!.events.emit('message');
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address() as AddressInfo;
    receiver = new SmtpReceiver(server, address.port);
    return receiver;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async waitFor(check: (messages: ParsedMail[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (check(this.messages)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('message', onMessage);
        reject(new Error(`timed out waiting for email; got ${this.messages.map((m) => m.subject).join(' | ')}`));
      }, timeoutMs);
      const onMessage = () => {
        if (!check(this.messages)) return;
        clearTimeout(timer);
        this.events.off('message', onMessage);
        resolve();
      };
      this.events.on('message', onMessage);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
