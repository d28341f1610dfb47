// Does the server enforce its own suite order? Asked with several permutations of the accepted
// suites, each led by a suite that is neither the server's favourite nor ChaCha20: a server with
// its own order picks its favourite every time, one that follows the client picks the first
// offered every time. Then, for a server with its own order, one hello led by ChaCha20: servers
// that make the usual exception (OpenSSL's prioritize_chacha, Go's AES-hardware rule) pick it.
// Pure apart from `pick`, which offers a list and returns the suite chosen.
import { suiteById } from '../tls/index.ts';
import { notTested, observed } from './finding.ts';
import type { SuiteOrderFinding } from './report.ts';

export const isChacha = (id: number): boolean => suiteById(id)?.cipher.startsWith('CHACHA20') ?? false;

/** `order`: the accepted suites in the order the server chose them from our preference list. */
export async function probeSuiteOrder(
  order: readonly number[],
  pick: (offered: readonly number[]) => Promise<number | undefined>,
): Promise<SuiteOrderFinding> {
  if (order.length < 2) return notTested(order.length === 1 ? 'one suite accepted' : 'no suite accepted');
  const favourite = order[0]!;
  const leaders = order.filter((id) => id !== favourite && !isChacha(id));
  if (leaders.length === 0) {
    return notTested(
      'only the favourite and ChaCha20 suites are accepted: server order and a ChaCha20 preference cannot be told apart',
    );
  }
  // Up to three leaders (the server's last, its second, one in the middle), each followed by the
  // rest in reverse server order, ChaCha20 last: no two permutations alike, the favourite never
  // first. Go prefers ChaCha20 for a client that does not lead with AES-GCM, so a ChaCha20 pick
  // still counts as the server's own choice (the client never ranked it first).
  const picks = [...new Set([leaders.at(-1)!, leaders[0]!, leaders[Math.floor(leaders.length / 2)]!])];
  const reversed = [...order].reverse();
  const permutations = picks.map((lead) => [
    lead,
    ...reversed.filter((id) => id !== lead && !isChacha(id)),
    ...reversed.filter(isChacha),
  ]);
  const chosen = await Promise.all(permutations.map((p) => pick(p)));
  const server = chosen.every((c) => c === favourite || (c !== undefined && isChacha(c)));
  const client = chosen.every((c, i) => c === permutations[i]![0]);
  if (!server && !client) {
    if (chosen.some((c) => c === undefined))
      return notTested('the server refused a reordered offer of suites it had accepted');
    return notTested(
      `the server's choices fit neither its own order nor the client's (${chosen.map(hex).join(', ')})`,
    );
  }
  if (client) return observed(false, { chacha20_preferred: false });
  const chacha = order.find(isChacha);
  if (chacha === undefined || isChacha(favourite)) return observed(true, { chacha20_preferred: false });
  const led = await pick([chacha, ...order.filter((id) => id !== chacha)]);
  return observed(true, { chacha20_preferred: led !== undefined && isChacha(led) });
}

const hex = (id: number | undefined): string =>
  id === undefined ? 'none' : `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
