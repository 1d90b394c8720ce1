// serde_json escapes only `"`, `\` and C0 controls; `/`, DEL, non-ASCII, U+2028/9 stay raw.
// eslint-disable-next-line no-control-regex -- matching C0 controls is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// eslint-disable-next-line no-control-regex -- matching C0 controls is the point
const ESCAPABLE = /["\\\u0000-\u001f]/g;

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** A JSON string literal exactly as serde_json writes it (other controls as lowercase `\u00xx`). */
export function jsonString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  const escaped = value.replace(
    ESCAPABLE,
    (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${escaped}"`;
}
