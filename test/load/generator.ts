/** The load generator's thread: its own event loop, apart from the fakes answering the server. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadPlan } from './traffic.js';

parentPort!.postMessage(await runLoad(workerData as LoadPlan));
