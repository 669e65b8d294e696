import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** How long connecting, the greeting and an idle socket may take: a send must end well inside the outbox's lease. */
const SMTP_TIMEOUT_MS = 10_000;

/** SMTP through nodemailer; the server's answer decides success, so a refused mail is retried. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}

export { mailtoLink } from '../core/answer/mailto.js';
