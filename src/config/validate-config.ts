import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigError } from '../common/domain-error.js';

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * Load a JSON config file and validate it against a class-validator schema at boot: a bad
 * setting stops the process with the setting's path in the message (conventions.md §8).
 */
export function loadConfigFile<T extends object>(cls: new () => T, path: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return validateConfig(cls, raw, path);
}

export function validateConfig<T extends object>(cls: new () => T, raw: unknown, source = 'config'): T {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${source}: must be a JSON object`);
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new ConfigError(`${source} is invalid:\n  ${flatten(errors).join('\n  ')}`);
  return instance;
}

/** Settings whose values must never reach a log line. */
export function redact<T>(config: T): T {
  return JSON.parse(JSON.stringify(config, (k, v) => (/pin|secret|token$|password/i.test(k) ? '***' : v))) as T;
}
