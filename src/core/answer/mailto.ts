/** A mailto: link with subject and body filled in; long bodies are cut so mail clients accept the link. */
export function mailtoLink(mail: { to: string; subject: string; text: string }, maxBody = 1500): string {
  const body = mail.text.length > maxBody ? `${mail.text.slice(0, maxBody)}…` : mail.text;
  return `mailto:${mail.to}?subject=${encodeURIComponent(mail.subject)}&body=${encodeURIComponent(body)}`;
}
