/**
 * Splits a command line into words the way a POSIX shell quotes them, and does nothing else a
 * shell does: no variable expansion, no globbing, no command substitution, no redirection.
 * `$(touch pwned)` stays the two literal words `$(touch` and `pwned)`.
 * Single quotes keep everything; inside double quotes a backslash escapes only \ " $ and `.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && line[i + 1] === '\n') i++; // line continuation
      else if (ch === '\\' && i + 1 < line.length && '\\"$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError(`command line ends with a lone backslash: ${line}`);
      if (line[i + 1] === '\n') {
        i++; // line continuation
        continue;
      }
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new CommandLineError(`command line has an unterminated ${quote} quote: ${line}`);
  if (inWord) words.push(word);
  return words;
}

export class CommandLineError extends Error {
  override name = 'CommandLineError';
}
