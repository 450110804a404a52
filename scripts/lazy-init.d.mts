// Types of lazy-init.mjs for the TypeScript test that checks it.
import type { Plugin } from 'esbuild';

export const LAZY_FILES: RegExp;
export function lazyTopLevel(source: string): { text: string; count: number };
export const lazyInit: Plugin;
