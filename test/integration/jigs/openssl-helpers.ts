/**
 * An independent judge for CSRs and a throwaway CA for injection tests: the openssl CLI, so the
 * tests do not check our ASN.1 with our own ASN.1 code.
 */
import { execFile } from 'node:child_process';
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  keyPath: string;
  certPath: string;
  certDer: Uint8Array;
  dir: string;
}

export async function createTestCa(dir: string): Promise<TestCa> {
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', certPath, '-subj', '/CN=Jig Test Order CA', '-days', '1']);
  const { stdout } = await run('openssl', ['x509', '-in', certPath, '-outform', 'DER'], { encoding: 'buffer' });
  return { keyPath, certPath, certDer: new Uint8Array(stdout), dir };
}

async function tempFile(dir: string, der: Uint8Array): Promise<string> {
  const path = join(dir, `${randomUUID()}.der`);
  await writeFile(path, der);
  return path;
}

/** `openssl req -verify`: OpenSSL 3.0 exits 0 even on failure, so its verdict is read from the output. */
export async function csrSignatureVerifies(dir: string, csr: Uint8Array): Promise<boolean> {
  const path = await tempFile(dir, csr);
  const result = await run('openssl', ['req', '-inform', 'DER', '-in', path, '-verify', '-noout']).catch(
    (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
  const verdict = `${result.stdout}${result.stderr}`;
  if (/verify OK/i.test(verdict)) return true;
  if (/verify failure/i.test(verdict)) return false;
  throw new Error(`openssl req -verify gave no verdict: ${verdict}`);
}

export async function csrPublicKey(dir: string, csr: Uint8Array): Promise<KeyObject> {
  const path = await tempFile(dir, csr);
  const { stdout } = await run('openssl', ['req', '-inform', 'DER', '-in', path, '-noout', '-pubkey']);
  return createPublicKey(stdout);
}

export async function csrSubject(dir: string, csr: Uint8Array): Promise<string> {
  const path = await tempFile(dir, csr);
  const { stdout } = await run('openssl', ['req', '-inform', 'DER', '-in', path, '-noout', '-subject', '-nameopt', 'RFC2253']);
  return stdout.trim();
}

/** A leaf for the CSR's key, signed by the test CA (the Order CA's stand-in). */
export async function issueCertificate(ca: TestCa, csr: Uint8Array, serial: number): Promise<Uint8Array> {
  const csrPath = await tempFile(ca.dir, csr);
  const out = join(ca.dir, `${randomUUID()}-leaf.der`);
  await run('openssl', ['x509', '-req', '-inform', 'DER', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-set_serial', String(serial), '-days', '1', '-outform', 'DER', '-out', out]);
  return new Uint8Array(await readFile(out));
}

/** A certificate for some unrelated key: what a device must refuse with KEY_MISMATCH. */
export async function unrelatedCertificate(dir: string): Promise<Uint8Array> {
  const out = join(dir, `${randomUUID()}-other.der`);
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${out}.key`, '-outform', 'DER', '-out', out, '-subj', '/serialNumber=SOMEONE-ELSE', '-days', '1']);
  return new Uint8Array(await readFile(out));
}
