// What the per-area checks (upstream-check.ts, client-auth-check.ts, …) need from the checker: a
// place to put Problems and a way to read the files a config names. Keeps those checks testable
// without a whole config file.

import type { CertificatePair } from '../certs/pair.ts';
import type { Severity } from '../problems.ts';

export interface CheckContext {
  add(severity: Severity, where: string, message: string, hint: string): void;
  /** A path from the config, resolved against the config file's directory. */
  resolveFile(p: string): string;
  /** CA bundle files (one or a list); adds a Problem and returns undefined when one is unusable. */
  readCaFiles(files: string | readonly string[], where: string): Promise<string[] | undefined>;
  /** A cert+key pair, validated like a site certificate; Problems are filed under `where`. */
  loadPair(cert: string, key: string, where: string): Promise<CertificatePair | undefined>;
  /** The config line of a path, when known (to point at a second place in a message). */
  lineOf?(where: string): number | undefined;
}
