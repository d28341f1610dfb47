import { checkConfigFile, formatProblems, hasErrors } from '../config/index.ts';

export async function runCheck(file: string): Promise<number> {
  const { problems } = await checkConfigFile(file);
  if (problems.length > 0) process.stdout.write(`${formatProblems(problems, file)}\n`);
  if (hasErrors(problems)) return 1;
  process.stdout.write(`${file}: OK\n`);
  return 0;
}
