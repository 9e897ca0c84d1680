import { describe, expect, it } from 'vitest';
import { cpRunCommand, resolveRole } from './cp-run.js';

describe('resolveRole: --mode, --environment and their old spellings', () => {
  it('defaults to a universal zone named default without a global', () => {
    expect(resolveRole({})).toEqual({ environment: 'universal', multizone: { mode: 'zone', zone: 'default', kds: {} }, zoneGiven: false, warnings: [] });
  });

  it('--mode global|zone with --environment, --zone and --global-address', () => {
    expect(resolveRole({ mode: 'global', environment: 'kubernetes' })).toMatchObject({ environment: 'kubernetes', multizone: { mode: 'global' }, warnings: [] });
    expect(resolveRole({ mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://g:5685' })).toEqual({
      environment: 'universal',
      multizone: { mode: 'zone', zone: 'zone-1', globalAddress: 'grpcs://g:5685', kds: {} },
      zoneGiven: true,
      warnings: [],
    });
  });

  it('--mode universal|kubernetes still chooses the environment, with a warning', () => {
    const old = resolveRole({ mode: 'kubernetes' });
    expect(old.environment).toBe('kubernetes');
    expect(old.multizone.mode).toBe('zone');
    expect(old.warnings).toEqual(['--mode kubernetes is deprecated: use --environment kubernetes (--mode now takes global or zone)']);
    expect(() => resolveRole({ mode: 'kubernetes', environment: 'universal' })).toThrow('--mode kubernetes contradicts --environment universal');
  });

  it('--role maps onto --mode (standalone = zone) unless it contradicts it', () => {
    expect(resolveRole({ mode: 'kubernetes', role: 'global' })).toMatchObject({ environment: 'kubernetes', multizone: { mode: 'global' } });
    expect(resolveRole({ role: 'standalone' }).multizone.mode).toBe('zone');
    expect(resolveRole({ role: 'zone', mode: 'zone' }).warnings).toEqual(['--role zone is deprecated: use --mode zone']);
    expect(() => resolveRole({ role: 'global', mode: 'zone' })).toThrow('--role global contradicts --mode zone');
    expect(resolveRole({ mode: 'standalone' }).warnings).toEqual(['mode standalone is deprecated: use zone']);
  });

  it('a global has no global address', () => {
    expect(() => resolveRole({ mode: 'global', globalAddress: 'grpcs://g:5685' })).toThrow('--global-address is a zone setting');
  });
});

describe('cp run options read Kuma environment variables', () => {
  it('KUMA_MODE, KUMA_ENVIRONMENT, KUMA_MULTIZONE_ZONE_NAME, KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS', () => {
    const run = cpRunCommand().commands.find((c) => c.name() === 'run')!;
    const envs = Object.fromEntries(run.options.map((o) => [o.long, o.envVar]));
    expect(envs).toMatchObject({
      '--mode': 'KUMA_MODE',
      '--environment': 'KUMA_ENVIRONMENT',
      '--zone': 'KUMA_MULTIZONE_ZONE_NAME',
      '--global-address': 'KUMA_MULTIZONE_ZONE_GLOBAL_ADDRESS',
      '--ingress-update-interval': 'KUMA_MULTIZONE_ZONE_INGRESS_UPDATE_INTERVAL',
    });
  });

  it('--ingress-update-interval reaches the multi-zone settings in milliseconds', () => {
    expect(resolveRole({ ingressUpdateInterval: 250 }).multizone.ingressUpdateIntervalMs).toBe(250);
    expect(resolveRole({}).multizone.ingressUpdateIntervalMs).toBeUndefined();
  });
});
