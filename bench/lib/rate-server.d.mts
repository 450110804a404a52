// Types of rate-server.mjs for the TypeScript tests that start it in-process.
import type { Server } from 'node:http';

export interface RateLimits {
  /** Requests budget: `requests` per `windowMs`. */
  requests: number;
  /** Tokens budget (prompt + max_tokens per request): `tokens` per `windowMs`. */
  tokens: number;
  windowMs: number;
  latencyMs?: number;
  completionTokens?: number;
}

export interface RateStats {
  accepted: number;
  refused: number;
  first: number;
  lastAccepted: number;
  charged: number;
  spanMs: number;
  requestsLimit: number;
  tokensLimit: number;
  windowMs: number;
}

export function goDuration(ms: number): string;
export function createRateLimitedServer(opts: RateLimits): { server: Server; stats(): RateStats; reset(limits?: Partial<RateLimits>): void };
export function achievedShare(s: RateStats): { requests: number | null; tokens: number | null };
