/** Jig protocol v1: pure encoding/decoding, no I/O. The wire format is specified in docs/jig-protocol.md. */
export * from './constants.js';
export * from './frame.js';
export * from './frame-decoder.js';
export * from './tlv.js';
export * from './messages.js';
export * from './protocol.errors.js';
