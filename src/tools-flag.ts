/** The command line's --tools flag, taken out of the other arguments. */
export type ToolsFlag = { value: string | undefined; rest: string[] } | { problem: string };

const FLAG = '--tools';
const EXAMPLE = 'for example --tools reports,read_balance';

/**
 * Reads `--tools a,b` and `--tools=a,b`; the value is checked against the tools later, like the
 * variable it overrides. A missing value or a second --tools is a problem, never guessed at.
 */
export function takeToolsFlag(argv: readonly string[]): ToolsFlag {
  const rest: string[] = [];
  let value: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    let given: string | undefined;
    if (argument === FLAG) {
      given = argv[index + 1];
      // `--tools --http` lost its value: a flag is never read as a list of tools.
      if (given === undefined || given.startsWith('-')) return { problem: `${FLAG} needs the tools or groups to serve, ${EXAMPLE}.` };
      index += 1;
    } else if (argument.startsWith(`${FLAG}=`)) {
      given = argument.slice(FLAG.length + 1);
    } else {
      rest.push(argument);
      continue;
    }
    if (value !== undefined) return { problem: `${FLAG} was given more than once; give it once, with every tool or group comma-separated, ${EXAMPLE}.` };
    value = given;
  }
  return { value, rest };
}
