import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  activity: Record<string, unknown> & { text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
  authorization?: string;
  /** The id the connector gave the activity, as Teams shows it to the channel. */
  id: string;
}

/** A loopback stand-in for the Bot Framework connector a Teams activity's serviceUrl points at. */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = `activity-${this.calls.length + 1}`;
      this.calls.push({ method: req.method ?? '', path: req.url ?? '', activity: raw ? JSON.parse(raw) : {}, authorization: req.headers.authorization, id });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  reset() {
    this.calls.length = 0;
  }

  async stop() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
