import { createHmac } from 'node:crypto';
export const SIGNING_SECRET = 'test-signing-secret';
/** Slack's v0 request signature over `v0:timestamp:body`. */
export function sign(body, timestamp, secret = SIGNING_SECRET) {
    return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
/** POSTs a signed Slack request to the server, as Slack does. */
export async function postToSlack(baseUrl, body, contentType, options = {}) {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers = { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), ...options.headers };
    const signature = options.signature === undefined ? sign(body, timestamp) : options.signature;
    if (signature !== null)
        headers['x-slack-signature'] = signature;
    return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body });
}
export const postEvent = (baseUrl, payload, options) => postToSlack(baseUrl, JSON.stringify(payload), 'application/json', options);
export const postForm = (baseUrl, fields, options) => postToSlack(baseUrl, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
//# sourceMappingURL=slack-requests.js.map