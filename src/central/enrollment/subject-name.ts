/** A requested CN central will copy into a certificate: 1..64 characters, no control characters. */
export const isPrintableName = (s: string): boolean => s.length > 0 && s.length <= 64 && !/[\u0000-\u001f\u007f]/.test(s);
