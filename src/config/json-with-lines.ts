/**
 * A JSON reader (RFC 8259) that remembers where each value starts, so a configuration error can
 * name the line of the file an operator has to fix. JSON.parse cannot: it returns values only.
 * It also refuses a key given twice in one object, which JSON.parse silently resolves to the
 * last one (RFC 8259 §4 only says names SHOULD be unique; for a config file a repeat is a typo).
 */
import { ConfigError } from '../common/domain-error.js';

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonWithLines {
  value: unknown;
  /** 1-based line of the value at `path` (of its key, for an object member); 1 when unknown. */
  lineOf(path: JsonPath): number;
}

export function pathKey(path: JsonPath): string {
  return path.map((p) => `/${String(p)}`).join('');
}

export function parseJsonWithLines(text: string, source: string): JsonWithLines {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;

  const fail = (message: string): never => {
    throw new ConfigError(`${source}:${line}: ${message}`);
  };
  const advance = (): string => {
    const ch = text[at++];
    if (ch === '\n') line++;
    return ch;
  };
  const skipSpace = (): void => {
    while (at < text.length && ' \t\r\n'.includes(text[at])) advance();
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[at] !== ch) fail(`expected '${ch}' but found ${describe()}`);
    advance();
  };
  const describe = (): string => (at >= text.length ? 'the end of the file' : `'${text[at]}'`);

  const readString = (): string => {
    expect('"');
    let out = '';
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const ch = advance();
      if (ch === '"') return out;
      if (ch === '\n') fail('line break inside a string');
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = advance();
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (esc in simple) out += simple[esc];
      else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))) {
        out += String.fromCharCode(parseInt(text.slice(at, at + 4), 16));
        at += 4;
      } else fail(`bad escape '\\${esc ?? ''}' in a string`);
    }
  };

  const readValue = (path: Array<string | number>): unknown => {
    skipSpace();
    if (!lines.has(pathKey(path))) lines.set(pathKey(path), line);
    const ch = text[at];
    if (ch === '{') return readObject(path);
    if (ch === '[') return readArray(path);
    if (ch === '"') return readString();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 64));
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    return fail(`expected a value but found ${describe()}`);
  };

  const readObject = (path: Array<string | number>): Record<string, unknown> => {
    expect('{');
    const out: Record<string, unknown> = {};
    skipSpace();
    if (text[at] === '}') {
      advance();
      return out;
    }
    for (;;) {
      skipSpace();
      const keyLine = line;
      const key = readString();
      if (Object.prototype.hasOwnProperty.call(out, key)) fail(`"${key}" is given twice in this object`);
      lines.set(pathKey([...path, key]), keyLine);
      expect(':');
      out[key] = readValue([...path, key]);
      skipSpace();
      if (text[at] === ',') {
        advance();
        continue;
      }
      expect('}');
      return out;
    }
  };

  const readArray = (path: Array<string | number>): unknown[] => {
    expect('[');
    const out: unknown[] = [];
    skipSpace();
    if (text[at] === ']') {
      advance();
      return out;
    }
    for (;;) {
      out.push(readValue([...path, out.length]));
      skipSpace();
      if (text[at] === ',') {
        advance();
        continue;
      }
      expect(']');
      return out;
    }
  };

  const value = readValue([]);
  skipSpace();
  if (at < text.length) fail(`unexpected ${describe()} after the end of the document`);
  return {
    value,
    lineOf: (path) => {
      // the nearest enclosing value that was seen (a missing key is reported at its object)
      for (let n = path.length; n >= 0; n--) {
        const found = lines.get(pathKey(path.slice(0, n)));
        if (found !== undefined) return found;
      }
      return 1;
    },
  };
}
