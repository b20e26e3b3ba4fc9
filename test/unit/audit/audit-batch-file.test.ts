import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditFileFormatError, formatBatchFile, formatReceiptFile, readBatchFile, readReceiptFile } from '../../../src/audit/audit-batch-file.js';

// stand-ins for DER SignedData: a SEQUENCE tag and some bytes (the format does not parse CMS)
const a = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]);
const b = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x02]);

describe('audit batch and receipt files', () => {
  it('ok a batch file holds the batches in order as PEM "CMS" blocks (RFC 7468 §9)', () => {
    const text = formatBatchFile([a, b]);
    assert.equal((text.match(/-----BEGIN CMS-----/g) ?? []).length, 2);
    assert.deepEqual(readBatchFile(Buffer.from(text)), [a, b]);
  });

  it('ok a bare DER batch (what the online sync posts) reads as a file of one', () => {
    assert.deepEqual(readBatchFile(a), [a]);
  });

  it('fail a file with no CMS block, or an empty one, is refused', () => {
    assert.throws(() => readBatchFile(Buffer.from('{"seq":1}\n')), AuditFileFormatError);
    assert.throws(() => readBatchFile(Buffer.from('-----BEGIN CMS-----\n-----END CMS-----\n')), AuditFileFormatError);
  });

  it('ok a receipt reads from its file, its DER or its base64', () => {
    assert.deepEqual(readReceiptFile(formatReceiptFile(a)), a);
    assert.deepEqual(readReceiptFile(a), a);
    assert.deepEqual(readReceiptFile(a.toString('base64')), a);
  });

  it('fail a receipt file with two blocks (a batch file given by mistake) or text is refused', () => {
    assert.throws(() => readReceiptFile(formatBatchFile([a, b])), /holds one receipt/);
    assert.throws(() => readReceiptFile('hello receipt'), AuditFileFormatError);
  });
});
