/** Mail through an SMTP server (nodemailer), one transport per process and URL. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotifySettings } from '../config/index.ts';

export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

const transports = new Map<string, Transporter>();

export function smtpMailer(settings: NotifySettings): Mailer {
  const url = settings.smtpUrl;
  if (!url) throw new Error('no SMTP server is configured (set ORCA_SMTP_URL)');
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport({
      url,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
    });
    transports.set(url, transport);
  }
  const t = transport;
  return {
    async send(mail) {
      await t.sendMail({ from: settings.smtpFrom, to: [...mail.to], subject: mail.subject, text: mail.text });
    },
  };
}
