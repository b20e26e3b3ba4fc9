// The benchmarks use the same real issuance stack as the integration tests.
export * from '../test/support/issuance-stack.js';
