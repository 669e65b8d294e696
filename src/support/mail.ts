import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** SMTP through nodemailer; the server's answer decides success, so a refused mail is retried. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
  };
}

/** A mailto: link with subject and body filled in, for when no mail server is set up. */
export function mailtoLink(mail: Mail, maxBody = 1500): string {
  const body = mail.text.length > maxBody ? `${mail.text.slice(0, maxBody)}…` : mail.text;
  return `mailto:${mail.to}?subject=${encodeURIComponent(mail.subject)}&body=${encodeURIComponent(body)}`;
}
