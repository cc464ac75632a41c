/**
 * One delivery attempt, run by a worker from the `orca.notify` queue task: POST the run summary
 * to a webhook (signed when the rule has a key) or mail it. A failure is recorded on the delivery
 * and tried again later with exponential backoff (transient failures only); nothing here can fail
 * or delay the run it reports.
 */
import type { Logger } from 'pino';
import type { NotifySettings } from '../config/index.ts';
import { loadDelivery, notificationSecretAad, recordAttempt } from '../db/notifications.ts';
import type { Db } from '../db/pool.ts';
import { addTask, REPORTING_PRIORITY, Task } from '../db/queue.ts';
import { getRun } from '../db/runs.ts';
import { retriableStatus, retryDelayMs, signBody } from '../domain/notifications.ts';
import { EVERY_PROJECT } from '../domain/projects.ts';
import type { Vault } from '../security/vault.ts';
import { VERSION } from '../version.ts';
import { type Mailer, smtpMailer } from './email.ts';
import { emailSubject, emailText, summarize } from './summary.ts';

export interface NotifyDeps {
  readonly db: Db;
  readonly vault: Vault;
  readonly log: Logger;
  readonly settings: NotifySettings;
  /** Sends mail; default: SMTP at `settings.smtpUrl`. */
  readonly mailer?: Mailer | undefined;
}

interface Attempt {
  readonly ok: boolean;
  readonly retriable: boolean;
  readonly error: string | null;
  readonly responseStatus: number | null;
}

export async function deliverNotification(deps: NotifyDeps, deliveryId: string): Promise<void> {
  const d = await loadDelivery(deps.db, deliveryId);
  if (d?.status !== 'pending') return;
  const run = await getRun(deps.db, EVERY_PROJECT, d.run_id);
  if (!run) return;
  const summary = summarize(run, d.event, d.id, deps.settings.publicUrl);
  let attempt: Attempt;
  try {
    if (d.kind === 'webhook') {
      const secret =
        d.secret && d.key_id
          ? deps.vault.open({ data: d.secret, keyId: d.key_id }, notificationSecretAad(d.rule_id))
          : null;
      attempt = await postWebhook(
        d.url ?? '',
        JSON.stringify(summary),
        d.event,
        d.id,
        secret,
        deps.settings.timeoutMs,
      );
    } else {
      const mailer = deps.mailer ?? (deps.settings.smtpUrl ? smtpMailer(deps.settings) : null);
      if (!mailer) {
        attempt = {
          ok: false,
          retriable: false,
          error: 'no SMTP server is configured (set ORCA_SMTP_URL)',
          responseStatus: null,
        };
      } else {
        await mailer.send({
          to: d.recipients ?? [],
          subject: emailSubject(summary),
          text: emailText(summary),
        });
        attempt = { ok: true, retriable: false, error: null, responseStatus: null };
      }
    }
  } catch (error) {
    attempt = { ok: false, retriable: true, error: describe(error, deps.settings), responseStatus: null };
  }
  const number = d.attempts + 1;
  const again = !attempt.ok && attempt.retriable && number < deps.settings.attempts;
  await deps.db.transaction().execute(async (trx) => {
    await recordAttempt(trx, d.id, {
      status: attempt.ok ? 'delivered' : again ? 'pending' : 'failed',
      error: attempt.error,
      responseStatus: attempt.responseStatus,
    });
    if (again) {
      const at = new Date(Date.now() + retryDelayMs(number, deps.settings.backoffMs));
      await addTask(trx, Task.notify, { deliveryId: d.id }, at, REPORTING_PRIORITY);
    }
  });
  if (!attempt.ok) {
    deps.log.warn(
      { delivery: d.id, rule: d.rule_name, attempt: number, retry: again, error: attempt.error },
      'notification not delivered',
    );
  }
}

async function postWebhook(
  url: string,
  body: string,
  event: string,
  deliveryId: string,
  secret: string | null,
  timeoutMs: number,
): Promise<Attempt> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `orca/${VERSION}`,
    'x-orca-event': event,
    'x-orca-delivery': deliveryId,
  };
  if (secret !== null) headers['x-orca-signature'] = signBody(secret, body);
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel().catch(() => {});
  if (res.status >= 200 && res.status < 300) {
    return { ok: true, retriable: false, error: null, responseStatus: res.status };
  }
  return {
    ok: false,
    retriable: retriableStatus(res.status),
    error: `the webhook answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
    responseStatus: res.status,
  };
}

/** A failure in words, without the SMTP URL's password. */
function describe(error: unknown, settings: NotifySettings): string {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  let text: string;
  if (e?.name === 'TimeoutError') text = `no answer within ${settings.timeoutMs} ms`;
  else if (e?.cause?.code) text = `${e.cause.code}: ${e.cause.message ?? e.message ?? ''}`.trim();
  else text = e?.message ?? String(error);
  const password = settings.smtpUrl ? safeUrl(settings.smtpUrl)?.password : '';
  if (password) text = text.split(decodeURIComponent(password)).join('***').split(password).join('***');
  return text.slice(0, 1000);
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
