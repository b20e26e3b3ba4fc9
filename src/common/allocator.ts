import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from './domain-error.js';

/**
 * Which malloc a service runs with (docs/decisions/0015-jemalloc-for-central.md). OpenSSL
 * allocates and frees many small blocks per TLS handshake and per signature, SQLite and the HSM
 * module hold long-lived heaps beside them, and glibc's malloc spends ~10% of central's CPU on
 * that mix; jemalloc, preloaded, takes ~6% less CPU per enrollment (docs/performance.md).
 *
 * - `auto` (the default): jemalloc when the system has it, else the system's malloc, said at boot;
 * - `jemalloc`: jemalloc or no start at all;
 * - `system`: the C library's malloc.
 */
export const ALLOCATOR_CHOICES = ['auto', 'jemalloc', 'system'] as const;
export type AllocatorChoice = (typeof ALLOCATOR_CHOICES)[number];

/** Where distributions put jemalloc's shared object (Debian and Ubuntu: package libjemalloc2). */
export const JEMALLOC_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
  '/usr/local/lib/libjemalloc.so.2',
];

export interface AllocatorPlan {
  /** variables the serving process must start with (runWithEnvironment) */
  env: Record<string, string>;
  /** set when `auto` found no jemalloc: what the operator could do about it */
  warning?: string;
}

const isJemalloc = (path: string): boolean => /(^|\/)libjemalloc\.so/.test(path);

/**
 * What to start the serving process with for `choice`. An LD_PRELOAD the operator set is kept
 * (jemalloc goes first); one that already preloads jemalloc is left as it is.
 */
export function planAllocator(choice: AllocatorChoice, env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync): AllocatorPlan {
  if (choice === 'system') return { env: {} };
  const preloaded = (env.LD_PRELOAD ?? '').split(/[\s:]+/).filter(Boolean);
  if (preloaded.some(isJemalloc)) return { env: {} };
  const found = JEMALLOC_PATHS.find((p) => exists(p));
  if (!found) {
    if (choice === 'jemalloc') {
      throw new ConfigError(`allocator "jemalloc" is configured but libjemalloc.so.2 is in none of ${JEMALLOC_PATHS.join(', ')} (install libjemalloc2, or set allocator to "auto" or "system")`);
    }
    return {
      env: {},
      warning: 'jemalloc not found (install libjemalloc2): central runs on the system allocator and takes ~6% more CPU per enrollment',
    };
  }
  return { env: { LD_PRELOAD: [found, ...preloaded].join(' ') } };
}

/**
 * The jemalloc mapped into this process, or null: what the boot log reports is what runs, not
 * what was asked (the loader skips a preload it cannot map, say one built for another machine).
 */
export function mappedJemalloc(maps: () => string = () => readFileSync('/proc/self/maps', 'utf8')): string | null {
  try {
    for (const line of maps().split('\n')) {
      const path = line.trim().split(/\s+/)[5] ?? '';
      if (isJemalloc(path)) return path;
    }
  } catch {
    // no /proc: say nothing we cannot see
  }
  return null;
}
