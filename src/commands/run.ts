import { UsageError } from './errors.js';

export default async function runCommand(): Promise<number> {
  throw new UsageError('rolejudge run: not yet implemented');
}
