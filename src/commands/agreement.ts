import { UsageError } from './errors.js';

export default async function agreementCommand(): Promise<number> {
  throw new UsageError('rolejudge agreement: not yet implemented');
}
