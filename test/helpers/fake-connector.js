import { createServer } from 'node:http';
/** A loopback stand-in for the Bot Framework connector a Teams activity's serviceUrl points at. */
export class FakeConnector {
    calls = [];
    server;
    url = '';
    async start() {
        this.server = createServer(async (req, res) => {
            const chunks = [];
            for await (const chunk of req)
                chunks.push(chunk);
            const raw = Buffer.concat(chunks).toString('utf8');
            const id = `activity-${this.calls.length + 1}`;
            this.calls.push({ method: req.method ?? '', path: req.url ?? '', activity: raw ? JSON.parse(raw) : {}, authorization: req.headers.authorization, id });
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
        });
        await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${this.server.address().port}/`;
        return this;
    }
    reset() {
        this.calls.length = 0;
    }
    async stop() {
        this.server?.closeAllConnections();
        await new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
    }
}
//# sourceMappingURL=fake-connector.js.map