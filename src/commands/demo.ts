import { UsageError } from './errors.js';

export default async function demoCommand(): Promise<number> {
  throw new UsageError('rolejudge demo: not yet implemented');
}
