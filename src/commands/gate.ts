import { UsageError } from './errors.js';

export default async function gateCommand(): Promise<number> {
  throw new UsageError('rolejudge gate: not yet implemented');
}
