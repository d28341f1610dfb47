// Copy a config fixture into a temporary directory next to a freshly generated PKI (./pki), so the
// fixture's relative certificate paths resolve. Not a test file itself.

import fs from 'node:fs';
import path from 'node:path';
import { makePki, makeTempDir, type Pki } from '../../helpers/pki.ts';

export const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'config');

export interface FixtureDir {
  readonly dir: string;
  readonly pki: Pki;
  /** Copy fixture `name` (optionally rewriting its text) into the directory; returns its path and text. */
  place(name: string, rewrite?: (text: string) => string): { file: string; text: string };
  cleanup(): void;
}

export async function makeFixtureDir(): Promise<FixtureDir> {
  const tmp = makeTempDir('config');
  const pki = await makePki(path.join(tmp.dir, 'pki'));
  return {
    dir: tmp.dir,
    pki,
    place(name, rewrite = (t) => t) {
      const text = rewrite(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
      const file = path.join(tmp.dir, name);
      fs.writeFileSync(file, text);
      return { file, text };
    },
    cleanup: tmp.cleanup,
  };
}

/** 1-based number of the `nth` line containing `needle`; throws if absent (a broken fixture). */
export function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] ?? '').includes(needle) && ++seen === nth) return i + 1;
  }
  throw new Error(`fixture has no line #${nth} containing ${JSON.stringify(needle)}`);
}
