import { sql } from '../../../common/database-dialect.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WriteSerializer } from '../../../common/write-serializer.js';
import { PreparedReads } from '../../../common/prepared-reads.js';
import { issuedCertificateKey, type CmpTransaction, type CmpTransactionStore } from './cmp-transaction.store.js';

interface TransactionRow {
  data: string;
}

/**
 * The transaction store in central's database (migration: cmp-transaction.migration.ts), so any
 * enrollment node can continue a transaction another one began. Writes go through the
 * WriteSerializer (one connection on SQLite); the compare-and-set is an UPDATE guarded by the
 * version, read back to learn whether this node won. `find` runs for every CMP request (an open
 * transaction may hold its transactionID), so its statement is prepared once (PreparedReads).
 */
@Injectable()
export class SqlCmpTransactionStore implements CmpTransactionStore {
  constructor(
    private readonly ds: DataSource,
    private readonly writes: WriteSerializer,
    private readonly reads: PreparedReads,
  ) {}

  async find(transactionId: string): Promise<CmpTransaction | null> {
    const rows = await this.reads.all<TransactionRow>('SELECT data FROM cmp_transaction WHERE transaction_id = ?', [transactionId]);
    return rows[0] ? (JSON.parse(rows[0].data) as CmpTransaction) : null;
  }

  insert(tx: CmpTransaction): Promise<boolean> {
    return this.writes.run(async () => {
      if (await this.find(tx.transactionId)) return false;
      try {
        await this.ds.query(sql('INSERT INTO cmp_transaction (transaction_id, version, state, expires_at, data) VALUES (?, ?, ?, ?, ?)'), [
          tx.transactionId,
          tx.version,
          tx.state,
          tx.expiresAt,
          JSON.stringify(tx),
        ]);
        return true;
      } catch (err) {
        // another node inserted the same id between the check and the insert
        if (await this.find(tx.transactionId)) return false;
        throw err;
      }
    });
  }

  update(tx: CmpTransaction, expectedVersion: string): Promise<boolean> {
    return this.writes.run(async () => {
      await this.ds.query(sql('UPDATE cmp_transaction SET version = ?, state = ?, expires_at = ?, data = ? WHERE transaction_id = ? AND version = ?'), [
        tx.version,
        tx.state,
        tx.expiresAt,
        JSON.stringify(tx),
        tx.transactionId,
        expectedVersion,
      ]);
      const rows: Array<{ version: string }> = await this.ds.query(sql('SELECT version FROM cmp_transaction WHERE transaction_id = ?'), [tx.transactionId]);
      return rows[0]?.version === tx.version;
    });
  }

  remove(transactionId: string): Promise<void> {
    return this.writes.run(async () => {
      await this.ds.query(sql('DELETE FROM cmp_transaction WHERE transaction_id = ?'), [transactionId]);
    });
  }

  async expired(now: Date, limit: number): Promise<CmpTransaction[]> {
    const rows: TransactionRow[] = await this.ds.query(sql('SELECT data FROM cmp_transaction WHERE expires_at < ? ORDER BY expires_at LIMIT ?'), [
      now.toISOString(),
      limit,
    ]);
    return rows.map((r) => JSON.parse(r.data) as CmpTransaction);
  }

  rememberCertificate(issuer: Buffer, serialHex: string, certificate: Buffer): Promise<void> {
    const key = issuedCertificateKey(issuer, serialHex);
    return this.writes.run(async () => {
      const rows: unknown[] = await this.ds.query(sql('SELECT issuer_serial FROM cmp_issued_certificate WHERE issuer_serial = ?'), [key]);
      if (rows.length) return;
      await this.ds.query(sql('INSERT INTO cmp_issued_certificate (issuer_serial, certificate, created_at) VALUES (?, ?, ?)'), [
        key,
        certificate,
        new Date().toISOString(),
      ]);
    });
  }

  async findCertificate(issuer: Buffer, serialHex: string): Promise<Buffer | null> {
    const rows: Array<{ certificate: Buffer }> = await this.ds.query(sql('SELECT certificate FROM cmp_issued_certificate WHERE issuer_serial = ?'), [
      issuedCertificateKey(issuer, serialHex),
    ]);
    return rows[0] ? Buffer.from(rows[0].certificate) : null;
  }
}
