import { describe, expect, it } from 'vitest';
import { contentTokens, lexicalOverlap, offlineOverlap, offlineScore, offlineVerdict } from '../../src/judge/offline.js';
import { sample } from './fixtures.js';

const TEN = { min: 1, max: 10 };
const HUNDRED = { min: 0, max: 100 };
const matching = 'Keep calm, Ron, hold your wand up: the spiders are coming out of the dark forest!';
const unrelated = 'I fancy a cup of tea and a biscuit this afternoon.';

describe('offline judge', () => {
  it('tokenises content words, lowercased, punctuation and stop words dropped', () => {
    expect(contentTokens("The SPIDERS, Ron! Don't panic.")).toEqual(['spiders', 'ron', 'panic']);
    expect(contentTokens('蜘蛛来了')).toEqual(['蜘', '蛛', '来', '了']);
  });

  it('identical texts overlap fully, disjoint ones not at all', () => {
    expect(lexicalOverlap(matching, matching)).toBeCloseTo(1);
    expect(lexicalOverlap(matching, unrelated)).toBe(0);
  });

  it('ranks a matching answer above an unrelated one', () => {
    for (const metric of ['veg', 'spc', 'cn', 'response-accuracy']) {
      expect(offlineScore(metric, sample(), matching, HUNDRED)).toBeGreaterThan(offlineScore(metric, sample(), unrelated, HUNDRED));
      expect(offlineVerdict(metric, sample(), matching, unrelated)).toBe('A');
      expect(offlineVerdict(metric, sample(), unrelated, matching)).toBe('B');
    }
  });

  it('maps onto the scale as an integer within it', () => {
    expect(offlineScore('cn', sample(), unrelated, TEN)).toBe(1);
    const s = offlineScore('cn', sample(), matching, TEN);
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThan(1);
    expect(s).toBeLessThanOrEqual(10);
    expect(offlineScore('cn', { references: [matching] }, matching, HUNDRED)).toBe(100);
  });

  it('weights the caption for grounding metrics and the references for the rest', () => {
    const s = sample({ references: ['Hold your wand, Ron.'], caption: 'Giant spiders crawl between the trees at night.' });
    const captionish = 'Giant spiders crawl between the trees!';
    expect(offlineOverlap('veg', s, captionish)).toBeGreaterThan(offlineOverlap('cn', s, captionish));
    expect(offlineOverlap('video-text-relevance', s, captionish)).toBe(offlineOverlap('veg', s, captionish));
  });

  it('uses whichever source exists and scores the minimum with none', () => {
    expect(offlineOverlap('veg', { references: [matching] }, matching)).toBeCloseTo(1);
    expect(offlineScore('veg', { references: [] }, matching, TEN)).toBe(1);
  });

  it('calls near-equal answers a tie', () => {
    expect(offlineVerdict('cn', sample(), matching, `${matching}`)).toBe('tie');
    expect(offlineVerdict('cn', sample(), unrelated, 'Something else entirely, friend.')).toBe('tie');
  });

  it('is deterministic', () => {
    expect(offlineScore('spc', sample(), matching, HUNDRED)).toBe(offlineScore('spc', sample(), matching, HUNDRED));
  });
});
