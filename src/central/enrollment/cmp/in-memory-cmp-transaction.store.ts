import { issuedCertificateKey as certKey, type CmpTransaction, type CmpTransactionStore } from './cmp-transaction.store.js';

const copy = (tx: CmpTransaction): CmpTransaction => structuredClone(tx);

/** The transaction store in process memory: unit tests and single-process demos. */
export class InMemoryCmpTransactionStore implements CmpTransactionStore {
  private readonly transactions = new Map<string, CmpTransaction>();
  private readonly certificates = new Map<string, Buffer>();

  async find(transactionId: string): Promise<CmpTransaction | null> {
    const tx = this.transactions.get(transactionId);
    return tx ? copy(tx) : null;
  }

  async insert(tx: CmpTransaction): Promise<boolean> {
    if (this.transactions.has(tx.transactionId)) return false;
    this.transactions.set(tx.transactionId, copy(tx));
    return true;
  }

  async update(tx: CmpTransaction, expectedVersion: string): Promise<boolean> {
    if (this.transactions.get(tx.transactionId)?.version !== expectedVersion) return false;
    this.transactions.set(tx.transactionId, copy(tx));
    return true;
  }

  async remove(transactionId: string): Promise<void> {
    this.transactions.delete(transactionId);
  }

  async expired(now: Date, limit: number): Promise<CmpTransaction[]> {
    return [...this.transactions.values()]
      .filter((tx) => tx.expiresAt < now.toISOString())
      .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
      .slice(0, limit)
      .map(copy);
  }

  async rememberCertificate(issuer: Buffer, serialHex: string, certificate: Buffer): Promise<void> {
    this.certificates.set(certKey(issuer, serialHex), Buffer.from(certificate));
  }

  async findCertificate(issuer: Buffer, serialHex: string): Promise<Buffer | null> {
    return this.certificates.get(certKey(issuer, serialHex)) ?? null;
  }
}
