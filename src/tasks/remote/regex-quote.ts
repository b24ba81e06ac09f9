/** Text as a regular expression that matches exactly it (JavaScript and POSIX ERE, as pgrep reads them). */
export const regexQuote = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
