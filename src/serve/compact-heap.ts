// One memory-reducing collection (V8's "last resort" flavour returns the emptied pages to the OS).
// V8 starts no collection in an idle process, so the garbage of loading the modules and checking a
// config stays resident until some later load passes; the primary is idle almost always. Measured:
// the primary's anonymous memory 47 → 34 MiB after start. It runs once after start and once after
// each reload, tens of ms. The primary is started by the user's `node` (no --expose-gc), so gc is
// reached through V8's flags; a cluster worker has it already (worker-env.ts), and its memory relief
// (cluster/memory-relief.ts) collects through here too.

import v8 from 'node:v8';
import vm from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let collect: Collect | undefined;

export function compactHeap(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: Collect }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as Collect;
    }
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
