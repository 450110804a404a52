import { UsageError } from './errors.js';

export default async function compareCommand(): Promise<number> {
  throw new UsageError('rolejudge compare: not yet implemented');
}
