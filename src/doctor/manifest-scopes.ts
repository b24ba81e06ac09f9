import { parse } from 'yaml';

/** The bot scopes slack-app-manifest.yml asks for (oauth_config.scopes.bot). */
export function manifestBotScopes(manifestYaml: string): string[] {
  const doc = parse(manifestYaml) as { oauth_config?: { scopes?: { bot?: unknown } } } | null;
  const bot = doc?.oauth_config?.scopes?.bot;
  return Array.isArray(bot) ? bot.filter((s): s is string => typeof s === 'string') : [];
}
