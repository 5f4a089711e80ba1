/** Bad input from the person at the terminal: reported in one line, exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
