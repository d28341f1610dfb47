// Which processes a process has started, as `ps --ppid` reads them: from /proc.
import fs from 'node:fs';

/** Processes whose parent is `pid`. */
export const childrenOf = (pid: number): number[] =>
  fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // The fields after the command name (in parentheses, which may hold spaces): state, ppid.
        const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
