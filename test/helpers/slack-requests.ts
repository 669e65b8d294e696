import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret';

/** Slack's v0 request signature over `v0:timestamp:body`. */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackRequestOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** POSTs a signed Slack request to the server, as Slack does. */
export async function postToSlack(baseUrl: string, body: string, contentType: string, options: SlackRequestOptions = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), ...options.headers };
  const signature = options.signature === undefined ? sign(body, timestamp) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
}

export const postEvent = (baseUrl: string, payload: object, options?: SlackRequestOptions) =>
  postToSlack(baseUrl, JSON.stringify(payload), 'application/json', options);

export const postForm = (baseUrl: string, fields: Record<string, string>, options?: SlackRequestOptions) =>
  postToSlack(baseUrl, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
