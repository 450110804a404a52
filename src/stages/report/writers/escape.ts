// HTML/XML escaping for the markup rolejudge builds itself (the SVG charts),
// which reaches the page unescaped through Handlebars' {{{ }}}. Escaping all
// five characters makes the result safe in text and in quoted attributes.
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Shorten a label to at most `max` characters (code points, so an emoji or
 * CJK character is never split into half a surrogate pair). Applied before
 * escaping: cutting escaped text could leave a broken entity like `&am`.
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' '));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}\u2026`;
}
