import module from 'node:module';
module.enableCompileCache('/tmp/exp/cc');
const r = () => { globalThis.gc(); return process.memoryUsage().rss / 1048576; };
let last = r(); console.log('start', last.toFixed(1));
for (const s of process.argv.slice(2)) { await import(/^(src|dist)/.test(s) ? `${process.cwd()}/${s}` : s); await new Promise(x => setTimeout(x, 100)); const now = r(); console.log(s.padEnd(40), (now - last).toFixed(1), 'total', now.toFixed(1), 'heap', (process.memoryUsage().heapUsed/1048576).toFixed(1)); last = now; }
