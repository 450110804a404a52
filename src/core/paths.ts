// The package's own folders (rubrics, judges, prompts, templates, sample data),
// found from this module so they resolve the same from src/ (tests) and dist/.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILTIN_RUBRICS = resolve(PACKAGE_ROOT, 'rubrics');
export const BUILTIN_JUDGES = resolve(PACKAGE_ROOT, 'judges');
export const SAMPLE_DATA = resolve(PACKAGE_ROOT, 'data', 'sample');
