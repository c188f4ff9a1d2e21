import nodemailer, { type Transporter } from 'nodemailer';
import { notificationFacts, notificationTitle, type NotificationMessage } from '../notification-message.js';

/** An SMTP server refused the message for good (a 5xx reply): retrying will not help. */
export class PermanentMailError extends Error {
  override readonly name = 'PermanentMailError';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The email for a notification: subject, plain text and HTML saying the same. */
export function emailContent(message: NotificationMessage): { subject: string; text: string; html: string } {
  const title = notificationTitle(message);
  const facts = notificationFacts(message);
  const text = [title, '', ...facts.map((fact) => `${fact.title}: ${fact.value}`), '', `Open the board: ${message.boardUrl}`, '', `Delivery ${message.deliveryId}. Times are UK local time.`].join('\n');
  const rows = facts.map((fact) => `<tr><th scope="row" style="text-align:left;padding:2px 12px 2px 0">${escapeHtml(fact.title)}</th><td>${escapeHtml(fact.value)}</td></tr>`).join('');
  const html = [
    '<!doctype html><html lang="en-GB"><body style="font-family:Arial,sans-serif;color:#212b32">',
    `<h1 style="font-size:20px">${escapeHtml(title)}</h1>`,
    `<table>${rows}</table>`,
    `<p><a href="${escapeHtml(message.boardUrl)}" style="color:#005eb8;font-weight:bold">Open the board</a></p>`,
    `<p style="color:#4c6272;font-size:12px">Delivery ${escapeHtml(message.deliveryId)}. Times are UK local time.</p>`,
    '</body></html>',
  ].join('');
  return { subject: `[Pressure Board] ${title}`, text, html };
}

/** Sends notification emails through one SMTP server (`PB_SMTP_URL`), reusing its connections. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    // Pooled: a burst of alerts reuses a few connections rather than opening one per email.
    // Timeouts bound how long a dead SMTP server can hold a delivery slot.
    this.transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  }

  /** @throws PermanentMailError for a 5xx reply; any other error is worth retrying. */
  async send(to: string, message: NotificationMessage): Promise<void> {
    const content = emailContent(message);
    try {
      await this.transport.sendMail({ from: this.from, to, ...content, headers: { 'X-PB-Delivery': message.deliveryId } });
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'responseCode' in error ? Number(error.responseCode) : 0;
      const reason = error instanceof Error ? error.message : String(error);
      if (code >= 500) throw new PermanentMailError(reason);
      throw error;
    }
  }

  close(): void {
    this.transport.close();
  }
}
