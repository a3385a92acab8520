/**
 * Bearer-token checks of the REST API. The comparison is constant-time over SHA-256 digests, so
 * neither the token's content nor its length leaks through timing. The token itself never appears
 * in a response or a log line.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether an `Authorization` header carries exactly `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  // Compare even when the header is malformed, so that both paths cost the same.
  return timingSafeEqual(digest(m ? m[1] : ''), digest(token)) && m !== null;
}

export type AuthDecision = { ok: true } | { ok: false; message: string };

/** Decides a request that needs the token; `token` null = the server has none configured. */
export function authorize(header: string | undefined, token: string | null): AuthDecision {
  if (token === null) {
    return {
      ok: false,
      message:
        'this endpoint needs a bearer token, and none is configured on the server (set OPTIONS_ENGINE_API_TOKEN)',
    };
  }
  if (header === undefined) return { ok: false, message: 'missing Authorization: Bearer <token> header' };
  if (!bearerMatches(header, token)) return { ok: false, message: 'invalid bearer token' };
  return { ok: true };
}
