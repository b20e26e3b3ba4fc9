/**
 * The jig configuration file: which jigs are wired to this station, over which transport, and
 * which physical port and protocol address each slot number is. Ports are named by stable
 * physical paths (/dev/serial/by-path/..., a USB bus-port path such as 1-2.4) so that a slot
 * keeps its number across reboots and re-plugs (system.md §5). docs/hardware-bring-up.md shows
 * how to find these names; docs/operations/configuration.md lists every field.
 *
 * Validated at start: every mistake is reported with the line of the file it is on, all at once,
 * and the station does not start.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../common/domain-error.js';
import { parseJsonWithLines, type JsonPath, type JsonWithLines } from './json-with-lines.js';

export const JIG_TRANSPORTS = ['serial', 'usb'] as const;
export type JigTransportKind = (typeof JIG_TRANSPORTS)[number];

/** The highest device address of jig protocol v1 (docs/jig-protocol.md §2); 0xFF is the controller. */
const MAX_ADDRESS = 0xfe;

interface PortBase {
  /** `slots[address] = station slot`; undefined: the line's addresses are the slot numbers. */
  slots?: ReadonlyArray<number | null>;
  /** file:line where the port is configured, for messages */
  source: string;
}

export interface SerialPortDefinition extends PortBase {
  transport: 'serial';
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
  rtscts: boolean;
}

export interface UsbPortDefinition extends PortBase {
  transport: 'usb';
  vendorId: number;
  productId: number;
  /** bus-port path as the kernel names it (/sys/bus/usb/devices/1-2.4): the physical socket */
  usbPath?: string;
  serialNumber?: string;
  interfaceNumber: number;
}

export type JigPortDefinition = SerialPortDefinition | UsbPortDefinition;

export interface JigDefinition {
  id: string;
  /** product model built on this jig (a station `products[].model`) */
  product: string;
  maxParallel: number;
  /** per-try timeout for every request; default: computed per request and line speed */
  requestTimeoutMs?: number;
  retries?: number;
  ports: JigPortDefinition[];
  source: string;
}

export interface JigConfiguration {
  jigs: JigDefinition[];
  /** not errors, but worth a line in the log (e.g. a port not named by a stable path) */
  warnings: string[];
}

/** A port's description in operator messages: its stable name. */
export function describePort(port: JigPortDefinition): string {
  if (port.transport === 'serial') return port.path;
  const id = `usb ${hex4(port.vendorId)}:${hex4(port.productId)}`;
  return port.usbPath ? `${id} at ${port.usbPath}` : port.serialNumber ? `${id} #${port.serialNumber}` : id;
}

export const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** Which port and address carry station slot `slot` of a jig; undefined when no port does. */
export function locateSlot(jig: JigDefinition, slot: number): { portIndex: number; address: number } | undefined {
  for (const [portIndex, port] of jig.ports.entries()) {
    if (!port.slots) return Number.isInteger(slot) && slot >= 0 && slot <= MAX_ADDRESS ? { portIndex, address: slot } : undefined;
    const address = port.slots.indexOf(slot);
    if (address >= 0) return { portIndex, address };
  }
  return undefined;
}

/** The station slot of an address on a port; undefined when the address is not mapped. */
export function slotAt(port: JigPortDefinition, address: number): number | undefined {
  if (!port.slots) return address;
  return port.slots[address] ?? undefined;
}

export function loadJigConfiguration(path: string, products: readonly string[]): JigConfiguration {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the jig configuration ${path}: ${(err as Error).message}`);
  }
  return parseJigConfiguration(text, path, products);
}

export function parseJigConfiguration(text: string, source: string, products: readonly string[]): JigConfiguration {
  const doc = parseJsonWithLines(text, source);
  const checker = new Checker(doc, source);
  const jigs = checker.root(products);
  if (checker.problems.length) {
    throw new ConfigError(`${source} is invalid:\n  ${checker.problems.sort(byLine).join('\n  ')}`);
  }
  return { jigs, warnings: checker.warnings };
}

const byLine = (a: string, b: string): number => lineNumber(a) - lineNumber(b);
const lineNumber = (message: string): number => Number(/:(\d+): /.exec(message)?.[1] ?? 0);

const ROOT_KEYS = ['version', 'jigs'];
const JIG_KEYS = ['id', 'product', 'maxParallel', 'requestTimeoutMs', 'retries', 'ports'];
const COMMON_PORT_KEYS = ['transport', 'slots'];
const SERIAL_KEYS = [...COMMON_PORT_KEYS, 'path', 'baudRate', 'dataBits', 'parity', 'stopBits', 'rtscts'];
const USB_KEYS = [...COMMON_PORT_KEYS, 'device', 'usbPath', 'serialNumber', 'interface'];

type Obj = Record<string, unknown>;

/** Collects every problem with its line instead of stopping at the first. */
class Checker {
  readonly problems: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly doc: JsonWithLines,
    private readonly source: string,
  ) {}

  where(path: JsonPath): string {
    return `${this.source}:${this.doc.lineOf(path)}`;
  }

  problem(path: JsonPath, message: string): void {
    this.problems.push(`${this.where(path)}: ${showPath(path)}: ${message}`);
  }

  root(products: readonly string[]): JigDefinition[] {
    const root = this.doc.value;
    if (!isObject(root)) {
      this.problem([], 'the file must hold one JSON object: { "jigs": [ ... ] }');
      return [];
    }
    this.onlyKeys(root, [], ROOT_KEYS);
    if (root.version !== undefined && root.version !== 1) this.problem(['version'], `version ${JSON.stringify(root.version)} is not known: this station reads version 1`);
    if (!Array.isArray(root.jigs)) {
      this.problem(['jigs'], 'must be a list of jigs');
      return [];
    }
    const jigs = root.jigs.flatMap((raw, i) => this.jig(raw, ['jigs', i], products));
    this.unique(jigs.map((j, i) => ({ key: j.id, path: ['jigs', i, 'id'], what: `jig id "${j.id}"` })));
    const ports = jigs.flatMap((j, i) => j.ports.map((p, k) => ({ port: p, path: ['jigs', i, 'ports', k] as JsonPath })));
    this.unique(ports.map(({ port, path }) => ({ key: physicalKey(port), path, what: `port ${describePort(port)}` })));
    return jigs;
  }

  private jig(raw: unknown, path: JsonPath, products: readonly string[]): JigDefinition[] {
    if (!isObject(raw)) {
      this.problem(path, 'a jig must be an object { "id", "product", "ports" }');
      return [];
    }
    this.onlyKeys(raw, path, JIG_KEYS);
    const id = this.text(raw, path, 'id', /^[A-Za-z0-9_-]{1,32}$/, 'a name of 1 to 32 letters, digits, _ or -');
    const product = this.text(raw, path, 'product');
    if (product !== undefined && products.length && !products.includes(product)) {
      this.problem([...path, 'product'], `unknown product "${product}" (the station builds ${products.join(', ')})`);
    }
    const maxParallel = this.integer(raw, path, 'maxParallel', 1, 64) ?? 4;
    const requestTimeoutMs = this.integer(raw, path, 'requestTimeoutMs', 50, 600_000);
    const retries = this.integer(raw, path, 'retries', 0, 10);
    const ports: JigPortDefinition[] = [];
    if (!Array.isArray(raw.ports) || raw.ports.length === 0) {
      this.problem([...path, 'ports'], 'a jig needs a list of at least one port');
    } else {
      raw.ports.forEach((p, k) => {
        const port = this.port(p, [...path, 'ports', k]);
        if (port) ports.push(port);
      });
      if (ports.length > 1) {
        ports.forEach((port, k) => {
          if (!port.slots) this.problem([...path, 'ports', k], 'a jig with several ports must say which slot numbers each port carries ("slots")');
        });
      }
      this.unique(
        ports.flatMap((port, k) =>
          (port.slots ?? []).flatMap((slot, address) =>
            slot === null ? [] : [{ key: String(slot), path: [...path, 'ports', k, 'slots', address], what: `slot ${slot}` }],
          ),
        ),
      );
    }
    if (id === undefined || product === undefined) return [];
    return [{ id, product, maxParallel, ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}), ...(retries !== undefined ? { retries } : {}), ports, source: this.where(path) }];
  }

  private port(raw: unknown, path: JsonPath): JigPortDefinition | undefined {
    if (!isObject(raw)) {
      this.problem(path, 'a port must be an object with a "transport"');
      return undefined;
    }
    const slots = this.slots(raw, path);
    const source = this.where(path);
    switch (raw.transport) {
      case 'serial':
        return this.serial(raw, path, slots, source);
      case 'usb':
        return this.usb(raw, path, slots, source);
      default:
        this.problem([...path, 'transport'], `unknown transport ${JSON.stringify(raw.transport ?? null)}: use one of ${JIG_TRANSPORTS.map((t) => `"${t}"`).join(', ')}`);
        return undefined;
    }
  }

  private serial(raw: Obj, path: JsonPath, slots: Array<number | null> | undefined, source: string): SerialPortDefinition | undefined {
    this.onlyKeys(raw, path, SERIAL_KEYS);
    const devicePath = this.text(raw, path, 'path', /^\/\S+$/, 'an absolute device path such as /dev/serial/by-path/...');
    const baudRate = this.integer(raw, path, 'baudRate', 50, 4_000_000) ?? 115200;
    const dataBits = (this.oneOf(raw, path, 'dataBits', [5, 6, 7, 8]) ?? 8) as 5 | 6 | 7 | 8;
    const parity = (this.oneOf(raw, path, 'parity', ['none', 'even', 'odd']) ?? 'none') as 'none' | 'even' | 'odd';
    const stopBits = (this.oneOf(raw, path, 'stopBits', [1, 2]) ?? 1) as 1 | 2;
    const rtscts = this.oneOf(raw, path, 'rtscts', [true, false]) ?? false;
    if (devicePath === undefined) return undefined;
    if (!/^\/dev\/serial\/by-(path|id)\//.test(devicePath)) {
      this.warnings.push(`${this.where([...path, 'path'])}: ${devicePath} is not a /dev/serial/by-path name: its number may change across reboots and re-plugs`);
    }
    return { transport: 'serial', path: devicePath, baudRate, dataBits, parity, stopBits, rtscts: rtscts as boolean, ...(slots ? { slots } : {}), source };
  }

  private usb(raw: Obj, path: JsonPath, slots: Array<number | null> | undefined, source: string): UsbPortDefinition | undefined {
    this.onlyKeys(raw, path, USB_KEYS);
    const device = this.text(raw, path, 'device', /^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/, 'VID:PID as two 4-digit hex numbers, e.g. "1209:4a49" (lsusb shows it)');
    const usbPath = this.text(raw, path, 'usbPath', /^\d{1,3}-\d{1,3}(\.\d{1,3}){0,6}$/, 'a bus-port path such as "1-2.4" (/sys/bus/usb/devices/ names it)', false);
    const serialNumber = this.text(raw, path, 'serialNumber', /^.{1,126}$/, 'the device serial number string', false);
    const interfaceNumber = this.integer(raw, path, 'interface', 0, 255) ?? 0;
    if (device === undefined) return undefined;
    const [vendorId, productId] = device.split(':').map((h) => parseInt(h, 16));
    if (vendorId === 0 || productId === 0) {
      this.problem([...path, 'device'], `"${device}": 0000 is not a valid vendor or product id`);
      return undefined;
    }
    if (!usbPath && !serialNumber) {
      this.warnings.push(`${this.where(path)}: usb ${device} has neither "usbPath" nor "serialNumber": a second jig of the same kind could take its place`);
    }
    return {
      transport: 'usb',
      vendorId,
      productId,
      ...(usbPath ? { usbPath } : {}),
      ...(serialNumber ? { serialNumber } : {}),
      interfaceNumber,
      ...(slots ? { slots } : {}),
      source,
    };
  }

  private slots(raw: Obj, path: JsonPath): Array<number | null> | undefined {
    if (raw.slots === undefined) return undefined;
    const at = [...path, 'slots'];
    if (!Array.isArray(raw.slots) || raw.slots.length === 0 || raw.slots.length > MAX_ADDRESS + 1) {
      this.problem(at, `must list the station slot number of each address on the line (index = address 0..${MAX_ADDRESS}; null = unused)`);
      return undefined;
    }
    return raw.slots.map((slot, address) => {
      if (slot === null || (Number.isInteger(slot) && (slot as number) >= 0 && (slot as number) <= MAX_ADDRESS)) return slot as number | null;
      this.problem([...at, address], `${JSON.stringify(slot)} is not a slot number 0..${MAX_ADDRESS} (or null)`);
      return null;
    });
  }

  private onlyKeys(raw: Obj, path: JsonPath, allowed: string[]): void {
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) this.problem([...path, key], `unknown setting "${key}" (allowed here: ${allowed.join(', ')})`);
    }
  }

  private text(raw: Obj, path: JsonPath, key: string, pattern?: RegExp, shape?: string, required = true): string | undefined {
    const value = raw[key];
    if (value === undefined) {
      if (required) this.problem([...path, key], `"${key}" is required`);
      return undefined;
    }
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
      this.problem([...path, key], `${JSON.stringify(value)} is not ${shape ?? 'a non-empty string'}`);
      return undefined;
    }
    return value;
  }

  private integer(raw: Obj, path: JsonPath, key: string, min: number, max: number): number | undefined {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      this.problem([...path, key], `${JSON.stringify(value)} is not an integer ${min}..${max}`);
      return undefined;
    }
    return value as number;
  }

  private oneOf<T>(raw: Obj, path: JsonPath, key: string, allowed: readonly T[]): T | undefined {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) {
      this.problem([...path, key], `${JSON.stringify(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  /** Each later duplicate is reported at its own line, naming the line of the first. */
  private unique(items: Array<{ key: string; path: JsonPath; what: string }>): void {
    const first = new Map<string, JsonPath>();
    for (const item of items) {
      const earlier = first.get(item.key);
      if (earlier) this.problem(item.path, `${item.what} is given twice (first at line ${this.doc.lineOf(earlier)})`);
      else first.set(item.key, item.path);
    }
  }
}

/** Two ports are the same physical port when they name the same device node or USB socket. */
function physicalKey(port: JigPortDefinition): string {
  if (port.transport === 'serial') return `serial ${port.path}`;
  return `usb ${port.vendorId}:${port.productId} ${port.usbPath ?? '*'} ${port.serialNumber ?? '*'} ${port.interfaceNumber}`;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function showPath(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(file)';
}
