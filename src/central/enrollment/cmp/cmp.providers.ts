import type { Provider } from '@nestjs/common';
import { CmpController } from './cmp.controller.js';
import { CmpEnrollmentHandler } from './cmp-enrollment.handler.js';
import { CmpRevocationAndInfoHandler } from './cmp-revocation.handler.js';
import { CmpResponder } from './cmp-responder.js';
import { CmpService } from './cmp.service.js';
import { CMP_OPTIONS, DEFAULT_CMP_OPTIONS, type CmpOptions } from './cmp.options.js';
import { CMP_TRANSACTION_STORE } from './cmp-transaction.store.js';
import { SqlCmpTransactionStore } from './sql-cmp-transaction.store.js';
import { InMemoryCmpTransactionStore } from './in-memory-cmp-transaction.store.js';

export const CMP_CONTROLLERS = [CmpController];

/**
 * Providers of the CMP front-end. The host module supplies ENROLLMENT_AUTHORITY and, for the
 * 'sql' store, DataSource and WriteSerializer (central's); 'memory' is for tests.
 */
export function cmpProviders(store: 'sql' | 'memory', options: Partial<CmpOptions> = {}): Provider[] {
  return [
    { provide: CMP_OPTIONS, useValue: { ...DEFAULT_CMP_OPTIONS, ...options } },
    store === 'sql' ? { provide: CMP_TRANSACTION_STORE, useClass: SqlCmpTransactionStore } : { provide: CMP_TRANSACTION_STORE, useValue: new InMemoryCmpTransactionStore() },
    CmpResponder,
    CmpEnrollmentHandler,
    CmpRevocationAndInfoHandler,
    CmpService,
  ];
}
