// Node's flags for this process as words: its command line's (process.execArgv) and NODE_OPTIONS'
// (split on whitespace, as Node reads it for plain flags). What the inspector refusal and the
// workers' heap flags both look through.

/** The flags given to Node, from the command line and from NODE_OPTIONS. Pure. */
export function nodeFlagWords(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/).filter((w) => w !== '')];
}
