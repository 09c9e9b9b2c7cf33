/**
 * JSON log lines. Callers pass ids, counts and error kinds only: never message text, memories,
 * tokens or secrets, because logs leave the user's encrypted boundary.
 */
type Fields = Record<string, string | number | boolean | null | undefined>;

function write(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields: Fields): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

export const log = {
  debug: (event: string, fields: Fields = {}) => write('debug', event, fields),
  info: (event: string, fields: Fields = {}) => write('info', event, fields),
  warn: (event: string, fields: Fields = {}) => write('warn', event, fields),
  error: (event: string, fields: Fields = {}) => write('error', event, fields),
};
