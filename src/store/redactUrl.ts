/** Connection URLs as they may be printed: user kept, password replaced, query dropped. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    u.search = '';
    return u.toString();
  } catch {
    return '<unparsable url>';
  }
}
