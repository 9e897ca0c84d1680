import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findEnvoyBinary } from './envoy-binary.js';

describe('findEnvoyBinary', () => {
  it('finds the copy installed by envoy/install.sh from the sources too (npm test installs it first)', () => {
    expect(findEnvoyBinary(undefined, { PATH: '' })).toBe(path.resolve('envoy', 'bin', 'envoy'));
  });

  it('prefers the explicit path, then ENVOY_BIN, and skips candidates that are not executable', () => {
    const installed = path.resolve('envoy', 'bin', 'envoy');
    expect(findEnvoyBinary(installed, { ENVOY_BIN: '/nonexistent/envoy', PATH: '' })).toBe(installed);
    expect(findEnvoyBinary('/nonexistent/envoy', { ENVOY_BIN: installed, PATH: '' })).toBe(installed);
  });
});
