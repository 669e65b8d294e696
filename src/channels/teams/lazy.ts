/**
 * The Teams channel loaded when it is first used. botbuilder takes most of a second and some
 * 50 MiB to load; a server started with no settings runs Teams for the Bot Framework Emulator,
 * and should not pay that until someone talks to it. This module imports nothing from botbuilder.
 */
import type { Platform } from '../../support/desk.js';
import type { TeamsChannel } from './adapter.js';

/** The Platform methods the Teams channel implements; the lazy channel forwards exactly these (a test checks them against the real one). */
export const TEAMS_PLATFORM_METHODS = ['reply', 'text', 'postCase', 'updateCase', 'postInCase', 'notice'] as const;

/** A Teams channel that loads the real one (`load`) on its first request or delivery, once. */
export function lazyTeamsChannel(load: () => Promise<TeamsChannel>): TeamsChannel & { loaded(): boolean } {
  let channel: Promise<TeamsChannel> | undefined;
  let ready = false;
  const get = () =>
    (channel ??= load().then(
      (c) => ((ready = true), c),
      (error: unknown) => {
        channel = undefined; // the next use tries again
        throw error;
      },
    ));
  const forward =
    <K extends (typeof TEAMS_PLATFORM_METHODS)[number]>(name: K) =>
    async (...args: unknown[]) => {
      const real = (await get()).platform;
      const method = real[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!method) throw new Error(`the Teams channel has no ${name}`);
      return method.apply(real, args);
    };
  const platform = Object.fromEntries(TEAMS_PLATFORM_METHODS.map((name) => [name, forward(name)])) as unknown as Platform;
  return {
    platform,
    handle: async (req, res, body) => (await get()).handle(req, res, body),
    loaded: () => ready,
  };
}
