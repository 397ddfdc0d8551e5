import canonicalizeImpl from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON of a JSON-safe value. `undefined` members are dropped first
 * (exactly as `JSON.stringify` would), so what is stored is what is hashed.
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
  const text = canonicalizeImpl(plain);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
}
