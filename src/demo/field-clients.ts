import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The field devices' side of enrollment, played by the real clients a device population runs
 * (interop.md): `curl` + `openssl` and strongSwan's `pki --est` for EST, `openssl cmp` for CMP.
 * Each call is one device's enrollment, with the files the demo keeps under devices/<serial>/.
 */
export interface DeviceFiles {
  dir: string;
  /** birth certificate and the device key the station certified */
  birth: string;
  key: string;
  chain: string;
}

export const deviceFiles = (stateDir: string, serial: string): DeviceFiles => {
  const dir = join(stateDir, 'devices', serial);
  return { dir, birth: join(dir, 'birth.pem'), key: join(dir, 'key.pem'), chain: join(dir, 'chain.pem') };
};

export interface ClientResult {
  ok: boolean;
  /** HTTP status where the client reports one (curl) */
  httpStatus?: number;
  output: string;
}

async function tool(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const p = run(cmd, args, { maxBuffer: 1 << 20, timeout: 30_000 });
    if (input !== undefined) p.child.stdin?.end(input);
    const { stdout, stderr } = await p;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

/** A fresh operational key (P-256) and a CSR for it, made with openssl as device firmware would. */
export async function newKeyAndCsr(dir: string, name: string, cn: string): Promise<{ key: string; csrPem: string; csrDer: string }> {
  const key = join(dir, `${name}.key`);
  const csrPem = join(dir, `${name}.csr`);
  const csrDer = join(dir, `${name}.csr.der`);
  const k = await tool('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  if (k.code) throw new Error(`openssl genpkey: ${k.stderr}`);
  const r = await tool('openssl', ['req', '-new', '-key', key, '-subj', `/CN=${cn}`, '-out', csrPem]);
  if (r.code) throw new Error(`openssl req: ${r.stderr}`);
  await tool('openssl', ['req', '-in', csrPem, '-outform', 'DER', '-out', csrDer]);
  return { key, csrPem, csrDer };
}

/**
 * EST simpleenroll (or simplereenroll) with curl, the TLS client certificate authenticating the
 * device (RFC 7030 §3.3.2). Writes the issued certificate as PEM to `out` on success.
 */
export async function estEnrollCurl(opts: {
  url: string;
  tlsTrust: string;
  clientCert: string;
  clientKey: string;
  csrDer: string;
  out: string;
  operation?: 'simpleenroll' | 'simplereenroll';
}): Promise<ClientResult> {
  const body = `${opts.out}.b64`;
  writeFileSync(body, readFileSync(opts.csrDer).toString('base64'));
  const res = await tool('curl', [
    '-sS', '-H', 'Expect:', '--cacert', opts.tlsTrust, '--cert', opts.clientCert, '--key', opts.clientKey,
    '-H', 'Content-Type: application/pkcs10', '--data-binary', `@${body}`,
    '-o', `${opts.out}.p7.b64`, '-w', '%{http_code}',
    `${opts.url}/.well-known/est/${opts.operation ?? 'simpleenroll'}`,
  ]);
  const httpStatus = Number(res.stdout.trim()) || 0;
  const answer = existsSync(`${opts.out}.p7.b64`) ? readFileSync(`${opts.out}.p7.b64`, 'utf8') : '';
  const cleanUp = () => ['.b64', '.p7.b64', '.p7'].forEach((ext) => rmSync(`${opts.out}${ext}`, { force: true }));
  if (httpStatus !== 200) {
    cleanUp();
    return { ok: false, httpStatus, output: `${answer}${res.stderr}`.trim() };
  }
  writeFileSync(`${opts.out}.p7`, Buffer.from(answer, 'base64'));
  const p7 = await tool('openssl', ['pkcs7', '-inform', 'DER', '-in', `${opts.out}.p7`, '-print_certs', '-out', opts.out]);
  cleanUp();
  return { ok: p7.code === 0, httpStatus, output: p7.stderr };
}

/** EST with strongSwan's `pki --est`: it always sends simplereenroll when it holds a certificate (interop.md). */
export async function estEnrollStrongswan(opts: { url: string; tlsTrust: string; clientCert: string; clientKey: string; csrPem: string; out: string }): Promise<ClientResult> {
  const res = await tool('pki', ['--est', '--url', opts.url, '--cacert', opts.tlsTrust, '--in', opts.csrPem, '--cert', opts.clientCert, '--key', opts.clientKey, '--outform', 'pem']);
  if (res.code !== 0 || !res.stdout.includes('BEGIN CERTIFICATE')) return { ok: false, output: `${res.stderr}${res.stdout}`.trim() };
  writeFileSync(opts.out, res.stdout.slice(res.stdout.indexOf('-----BEGIN CERTIFICATE')));
  return { ok: true, output: res.stderr };
}

/** `openssl verify -x509_strict` of a leaf against the root, with the intermediates untrusted. */
export async function opensslVerify(leaf: string, root: string, untrusted?: string, extra: string[] = []): Promise<ClientResult> {
  const res = await tool('openssl', ['verify', '-x509_strict', '-CAfile', root, ...(untrusted ? ['-untrusted', untrusted] : []), ...extra, leaf]);
  return { ok: res.code === 0, output: `${res.stdout}${res.stderr}`.trim() };
}

/**
 * CMP (RFC 4210 / RFC 9483) with `openssl cmp` as interop.md describes: an `ir` protected with the
 * birth certificate, its chain in extraCerts; central's responder chain verified against `trust`.
 * `cmd` cr / kur / rr / genm authenticate with the operational certificate instead.
 */
export async function cmpOpenssl(opts: {
  url: string;
  trust: string;
  cmd: 'ir' | 'cr' | 'kur' | 'p10cr' | 'rr' | 'genm';
  cert: string;
  key: string;
  extraCerts?: string;
  newKey?: string;
  csr?: string;
  oldCert?: string;
  subject?: string;
  out?: string;
  implicitConfirm?: boolean;
  extra?: string[];
}): Promise<ClientResult> {
  const server = opts.url.replace(/^https?:\/\//, '') + '/.well-known/cmp';
  const args = ['cmp', '-config', '', '-cmd', opts.cmd, '-server', server, '-cert', opts.cert, '-key', opts.key, '-trusted', opts.trust];
  if (opts.extraCerts) args.push('-extracerts', opts.extraCerts);
  if (opts.subject) args.push('-subject', opts.subject);
  if (opts.newKey) args.push('-newkey', opts.newKey);
  if (opts.csr) args.push('-csr', opts.csr);
  if (opts.oldCert) args.push('-oldcert', opts.oldCert);
  if (opts.out) args.push('-certout', opts.out);
  if (opts.implicitConfirm) args.push('-implicit_confirm');
  args.push(...(opts.extra ?? []));
  const res = await tool('openssl', args);
  return { ok: res.code === 0, output: `${res.stdout}${res.stderr}`.trim() };
}
