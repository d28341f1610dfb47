// Micro-benchmark: sniffClientHello (+ ja4) on captured real hellos. Bounded: a fixed number of
// iterations per case, after a warm-up. Run: node bench/wire-sniff.ts [iterations]
import fs from 'node:fs';
import path from 'node:path';
import { ja4 } from '../src/wire/ja4.ts';
import { sniffClientHello } from '../src/wire/sniff.ts';

const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), '../test/fixtures/wire');
const load = (name: string): Uint8Array =>
  new Uint8Array(
    Buffer.from(fs.readFileSync(path.join(fixtures, `${name}.hex`), 'utf8').replace(/\s+/g, ''), 'hex'),
  );

const iterations = Math.min(Math.max(Number(process.argv[2] ?? 200_000), 1000), 5_000_000);
const LIMIT = 16384;

function measure(label: string, fn: () => unknown): void {
  for (let i = 0; i < Math.min(20_000, iterations); i++) fn(); // warm up the JIT
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) if (fn()) sink++;
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/op${sink === 0 ? ' (!)' : ''}`);
}

for (const name of ['client-hello-curl', 'client-hello-openssl-tls13', 'client-hello-node-mlkem']) {
  const bytes = load(name);
  const label = `${name.replace('client-hello-', '')} (${bytes.length} B)`;
  measure(`sniff       ${label}`, () => sniffClientHello(bytes, LIMIT).kind === 'client-hello');
  measure(`sniff + ja4 ${label}`, () => {
    const r = sniffClientHello(bytes, LIMIT);
    return r.kind === 'client-hello' && ja4(r.hello).length > 0;
  });
}
