import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });

/**
 * A loopback stand-in for the Bot Framework's token-signing key service (BotOpenIdMetadata points
 * at it): it publishes one RSA key, and signs tokens with it, or with a key it never published.
 */
export class FakeOpenId {
  private readonly published = rsaKey();
  private readonly unpublished = rsaKey();
  private server?: Server;
  readonly kid = 'npr-test-key';
  /** The issuer Teams' tokens carry. */
  readonly issuer = 'https://api.botframework.com';
  url = '';

  async start(): Promise<this> {
    const jwk = this.published.publicKey.export({ format: 'jwk' });
    this.server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/keys') return res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
      res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.base}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `${this.base}/openidconfiguration`;
    return this;
  }

  private get base() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** A signed RS256 token; `forged`: signed with a key that was never published, under the published key's id. */
  token(claims: Record<string, unknown>, { forged = false } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64url({ alg: 'RS256', typ: 'JWT', kid: this.kid })}.${b64url({ iss: this.issuer, nbf: now - 60, exp: now + 3600, ...claims })}`;
    const key: KeyObject = (forged ? this.unpublished : this.published).privateKey;
    return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
