import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/stages/gate/decide.js';
import { escapeXml, junitXml } from '../../../src/stages/gate/junit.js';
import { lbRow, pwRow, report, settings } from './report-fixture.js';

/**
 * A small well-formedness check: every tag is closed in order, attributes are
 * quoted, and no bare "<" or "&" appears in text. Returns the element names seen.
 */
function checkXml(xml: string): string[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const seen: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    if (/[<>]/.test(text) || /&(?!(amp|lt|gt|quot|apos);)/.test(text)) throw new Error(`bad text: ${text}`);
    last = tag.lastIndex;
    const [, close, name, , self] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      seen.push(name!);
      if (!self) stack.push(name!);
    }
  }
  if (body.slice(last).trim()) throw new Error(`trailing text: ${body.slice(last)}`);
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  return seen;
}

describe('junitXml', () => {
  it('escapes the five XML specials and drops control characters', () => {
    expect(escapeXml(`a<b>&"c"'d'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
  });

  it('writes one testcase per check and a failure for each failed one, well-formed even with hostile names', () => {
    const evil = '<img src="x">&co';
    const r = report([lbRow(evil, { veg: 4, spc: 5 }), lbRow('old', { veg: 6, spc: 5 })], [pwRow(evil, 'old', 'veg', 2, 18, 0, 0.001)]);
    // VEG fell by 2 on every one of 20 samples (spread 0.5): a shown regression, and a pairwise loss.
    const diffs = Array.from({ length: 20 }, (_, i) => -2 + (i % 2 ? 0.5 : -0.5));
    const veg = { n: 20, sd: 0.5, diffs, clusters: diffs.map((_, i) => `s${i}`) };
    const v = decide(r, settings({ candidate: evil }), { records: 100, judgeFailures: 0, paired: { veg } });
    const xml = junitXml(v);
    const elements = checkXml(xml);
    expect(elements.filter((e) => e === 'testsuite')).toHaveLength(1);
    expect(elements.filter((e) => e === 'testcase')).toHaveLength(v.checks.length);
    const nFailed = v.checks.filter((c) => !c.pass).length;
    expect(nFailed).toBe(2);
    expect(elements.filter((e) => e === 'failure')).toHaveLength(nFailed);
    expect(xml).toContain(`failures="${nFailed}"`);
    expect(xml).toContain(`tests="${v.checks.length}"`);
    expect(xml).not.toContain(evil);
    expect(xml).toContain(escapeXml(evil));
  });

  it('the checker itself rejects broken XML', () => {
    expect(() => checkXml('<a><b></a></b>')).toThrow();
    expect(() => checkXml('<a>x & y</a>')).toThrow();
  });
});
