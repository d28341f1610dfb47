// Node built-ins that an ES module import makes heavier. An ESM import builds the module's namespace
// from every export, which calls its lazy getters: node:http's WebSocket, CloseEvent and
// MessageEvent load Node's bundled undici (a 745 KiB source, compiled and run). Measured: a process
// that only imports node:http is 58.0 MiB against 44.9 with require(), most of it garbage that a
// collection returns; what stays in tlsterm's processes is about 2 MiB each (single process 87.7 →
// 85.4 MiB, worker 77.0 → 75.7). node:util's namespace costs 2.4 MiB the same way. require() reads
// only the properties used. test/unit/architecture/process-weight.test.ts holds src/ to this.

import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import type * as Util from 'node:util';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof Http;
export const parseArgs = (load('node:util') as typeof Util).parseArgs;
