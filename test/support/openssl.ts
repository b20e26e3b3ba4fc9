import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '../../src/pki/pem.js';

/** Run `openssl verify -x509_strict` of leaf against root (+ untrusted intermediates). */
export function opensslVerify(root: Uint8Array, intermediates: Uint8Array[], leaf: Uint8Array): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  try {
    writeFileSync(join(dir, 'root.pem'), toPem(root));
    writeFileSync(join(dir, 'chain.pem'), intermediates.map((c) => toPem(c)).join(''));
    writeFileSync(join(dir, 'leaf.pem'), toPem(leaf));
    const args = ['verify', '-x509_strict', '-CAfile', join(dir, 'root.pem')];
    if (intermediates.length) args.push('-untrusted', join(dir, 'chain.pem'));
    args.push(join(dir, 'leaf.pem'));
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function opensslText(der: Uint8Array): string {
  return execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: Buffer.from(der), encoding: 'utf8' });
}
