/**
 * Event ids already handled, so that an event Slack delivers twice (HTTP retries,
 * Socket Mode redelivery) is answered once. Keeps the most recent `capacity` ids.
 */
export class SeenEvents {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is offered. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
