// JUnit XML for CI test tabs (GitHub, GitLab, Jenkins all read this shape):
// one testsuite, one testcase per check, <failure> on failed checks.
import type { GateVerdict } from './decide.js';

/** Escape text for XML attributes and character data; drop characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function junitXml(v: GateVerdict): string {
  const failures = v.checks.filter((c) => !c.pass).length;
  const suite = `rolejudge gate: ${v.candidate} vs ${v.baseline}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${escapeXml(suite)}" tests="${v.checks.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  for (const c of v.checks) {
    const name = escapeXml(c.name);
    const cls = escapeXml(`rolejudge.gate.${c.kind}`);
    const about = `${c.valueText} (threshold ${c.thresholdText})` + (c.planning ? `\n${c.planning.text}` : '');
    if (c.pass) {
      lines.push(`  <testcase name="${name}" classname="${cls}">`, `    <system-out>${escapeXml(about)}</system-out>`, '  </testcase>');
    } else {
      lines.push(
        `  <testcase name="${name}" classname="${cls}">`,
        `    <failure message="${escapeXml(c.detail)}" type="${escapeXml(c.kind)}">${escapeXml(about)}</failure>`,
        '  </testcase>',
      );
    }
  }
  lines.push('</testsuite>', '');
  return lines.join('\n');
}
