/** The total of counts kept per code (refusals, failures). */
export const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
