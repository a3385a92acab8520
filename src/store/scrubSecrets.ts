/**
 * Removes credentials from text bound for the database (provider endpoints and error messages):
 * query parameters that carry keys, tokens or passwords (`sslpassword`, `sentinelPassword`), `Bearer`/`Basic`
 * credentials, and URL passwords (`redis://:pw@host` too).
 */
const SECRET_PARAM =
  /([?&;](?:api[_-]?key|apikey|access[_-]?token|token|key|secret|\w*password|auth)=)[^&\s#"']+/gi;
const AUTH_HEADER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]+@/gi;

export function scrubSecrets(text: string): string {
  return text
    .replace(SECRET_PARAM, '$1****')
    .replace(AUTH_HEADER, '$1 ****')
    .replace(URL_PASSWORD, '$1****@');
}
