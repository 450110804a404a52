import { UsageError } from './errors.js';

export default async function initCommand(): Promise<number> {
  throw new UsageError('rolejudge init: not yet implemented');
}
