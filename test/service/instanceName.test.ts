import { describe, expect, it } from 'vitest';
import { instanceName } from '../../src/service/instanceName.js';

const at = (host: string, port = 8080) => ({ monitoring: { host, port } });

describe('instanceName', () => {
  it('is host:port when the service listens on every interface', () => {
    expect(instanceName(at('0.0.0.0'), 'web-1')).toBe('web-1:8080');
    expect(instanceName(at('::', 9090), 'web-1')).toBe('web-1:9090');
    expect(instanceName(at('::0'), 'web-1')).toBe('web-1:8080');
  });

  it('is host:port on loopback, as the shipped unit binds: an upgrade keeps its stored alerts, metrics and scans', () => {
    expect(instanceName(at('127.0.0.1', 8081), 'web-1')).toBe('web-1:8081');
    expect(instanceName(at('localhost', 8081), 'web-1')).toBe('web-1:8081');
    // … but IPv6's loopback is another socket on the same port
    expect(instanceName(at('::1', 8081), 'web-1')).toBe('web-1[::1]:8081');
  });

  it('tells apart two instances on one host and port bound to different addresses', () => {
    const a = instanceName(at('10.0.0.5'), 'web-1');
    const b = instanceName(at('10.0.0.6'), 'web-1');
    expect(a).toBe('web-1[10.0.0.5]:8080');
    expect(b).toBe('web-1[10.0.0.6]:8080');
    expect(instanceName(at('fd00::5'), 'web-1')).toBe('web-1[fd00::5]:8080');
  });
});
