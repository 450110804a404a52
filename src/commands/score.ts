import { UsageError } from './errors.js';

export default async function scoreCommand(): Promise<number> {
  throw new UsageError('rolejudge score: not yet implemented');
}
