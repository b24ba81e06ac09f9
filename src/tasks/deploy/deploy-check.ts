/** One line of the preflight: ok, a warning that does not stop the deploy, or a blocker that does. */
export interface PreflightCheck {
  level: 'ok' | 'warn' | 'block';
  text: string;
  hint?: string;
}

/** A change the prepare stage makes; `command` is a fixed template with validated values. */
export interface PrepareAction {
  what: string;
  command: string;
}
