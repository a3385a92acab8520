import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/store/scrubSecrets.js';

describe('scrubSecrets', () => {
  it('masks key, token and password query parameters, keeping the rest', () => {
    expect(scrubSecrets('GET https://api.example/v1/quotes?symbols=AAPL&apikey=abc123def&x=1')).toBe(
      'GET https://api.example/v1/quotes?symbols=AAPL&apikey=****&x=1',
    );
    expect(scrubSecrets('failed: postgres://h/db?password=PLANTEDqp&sslmode=require')).toBe(
      'failed: postgres://h/db?password=****&sslmode=require',
    );
  });

  it('masks the sslpassword and sentinelPassword parameters pg and ioredis take', () => {
    const text =
      'cannot connect to postgres://h/db?sslmode=require&sslpassword=keyPLANTED or ' +
      'redis://cache:6379?sentinelPassword=sentPLANTED&db=1';
    const out = scrubSecrets(text);
    expect(out).not.toContain('PLANTED');
    expect(out).toBe(
      'cannot connect to postgres://h/db?sslmode=require&sslpassword=**** or ' +
        'redis://cache:6379?sentinelPassword=****&db=1',
    );
  });

  it('masks a URL password with or without a user name', () => {
    expect(scrubSecrets('ECONNREFUSED postgres://app:pgPLANTED@db:5432/x')).toBe(
      'ECONNREFUSED postgres://app:****@db:5432/x',
    );
    expect(scrubSecrets('ECONNREFUSED redis://:redisPLANTED@cache:6379/0')).toBe(
      'ECONNREFUSED redis://:****@cache:6379/0',
    );
  });

  it('masks Bearer and Basic credentials and leaves plain text alone', () => {
    expect(scrubSecrets('401 with Authorization: Bearer abcdef123456')).toBe(
      '401 with Authorization: Bearer ****',
    );
    expect(scrubSecrets('GET https://api.example:8443/v1/quotes?symbols=AAPL')).toBe(
      'GET https://api.example:8443/v1/quotes?symbols=AAPL',
    );
  });
});
