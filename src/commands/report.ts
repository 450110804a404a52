import { UsageError } from './errors.js';

export default async function reportCommand(): Promise<number> {
  throw new UsageError('rolejudge report: not yet implemented');
}
