import { UsageError } from './errors.js';

export default async function mergeCommand(): Promise<number> {
  throw new UsageError('rolejudge merge: not yet implemented');
}
