import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * JSON logs to stderr (stdout belongs to the console adapter). Token-like values are redacted by path, and
 * nothing logs message bodies or keys in the first place. destination: tests capture the lines.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.privateKey'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(2),
  );
}
