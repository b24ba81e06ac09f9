/** What every masked secret becomes in chat, files and logs. */
export const MASK = '••••••';

// a key of a packstack answer file whose value is a password (CONFIG_KEYSTONE_ADMIN_PW, CONFIG_DEFAULT_PASSWORD, ...)
const PASSWORD_KEY = /^([<>]?\s*CONFIG_[A-Z0-9_]*(?:_PW|PASSWORD)\s*=)(.*)$/;

/**
 * The text with every occurrence of each secret replaced by {@link MASK}, longest first (a secret that contains
 * another is masked whole). Empty secrets are ignored.
 */
export function mask(text: string, secrets: readonly (string | undefined)[]): string {
  const words = [...new Set(secrets.filter((s): s is string => !!s))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const word of words) out = out.split(word).join(MASK);
  return out;
}

/** Answer-file lines (also as `diff` shows them, "< KEY=value") with the value of every password key masked. */
export function maskPasswordKeys(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const m = PASSWORD_KEY.exec(line);
      return m && m[2] !== '' ? `${m[1]}${MASK}` : line;
    })
    .join('\n');
}

/** Every value of a password key in an answer file: packstack's generated random ones too. */
export function passwordValues(answerFile: string): string[] {
  return answerFile.split('\n').flatMap((line) => {
    const value = PASSWORD_KEY.exec(line)?.[2]?.trim();
    return value ? [value] : [];
  });
}
