// What every subcommand is: its own file exports one of these, and commands.ts lists them.

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly run: (argv: readonly string[]) => Promise<number>;
}
