/** Polls `done` until it holds; false if `ms` pass first. Replies arrive after the HTTP ack. */
export async function waitUntil(done, ms = 5000) {
    const until = Date.now() + ms;
    while (!(await done())) {
        if (Date.now() > until)
            return false;
        await new Promise((r) => setTimeout(r, 20));
    }
    return true;
}
//# sourceMappingURL=wait.js.map