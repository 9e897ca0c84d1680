// Golden test of the ValidatingWebhookConfiguration: testdata/webhook-configuration/<case>.in.yaml
// is a WebhookConfigurationInput, the output the rendered object. The input is deep-frozen and
// rendered twice (identical bytes); the invariants the API server and the admission server rely
// on are asserted beside the golden comparison.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../test/support/deep-freeze.js';
import { expectGolden, goldenCases } from '../../../test/support/golden.js';
import {
  desiredWebhookConfiguration,
  WEBHOOK_PATH,
  type ValidatingWebhookConfiguration,
  type WebhookConfigurationInput,
} from './webhook-configuration.js';

const DIR = path.join(import.meta.dirname, 'testdata', 'webhook-configuration');

function expectInvariants(input: WebhookConfigurationInput, config: ValidatingWebhookConfiguration): void {
  const names = config.webhooks.map((w) => w.name);
  expect(new Set(names).size).toBe(names.length);
  for (const w of config.webhooks) {
    // Kubernetes requires fully qualified webhook names (at least three DNS labels).
    expect(w.name.split('.').length).toBeGreaterThanOrEqual(3);
    expect(w.clientConfig.service).toEqual({ namespace: input.namespace, name: input.serviceName, path: WEBHOOK_PATH, port: input.port });
    expect(Buffer.from(w.clientConfig.caBundle, 'base64').toString('utf8')).toBe(input.caBundle);
    expect(w.timeoutSeconds).toBeGreaterThanOrEqual(1);
    expect(w.timeoutSeconds).toBeLessThanOrEqual(30);
    for (const rule of w.rules) expect([...rule.operations].sort()).toEqual(['CREATE', 'UPDATE']);
  }
}

describe('desiredWebhookConfiguration golden cases', () => {
  const cases = goldenCases(DIR);
  it('has the documented cases', () => {
    expect(cases.map((c) => c.name)).toEqual(['portico-system']);
  });
  for (const c of cases) {
    it(c.name, () => {
      const input = deepFreeze(c.input as WebhookConfigurationInput);
      const config = desiredWebhookConfiguration(input);
      expect(JSON.stringify(desiredWebhookConfiguration(input))).toBe(JSON.stringify(config));
      expectInvariants(input, config);
      expectGolden(c, config);
    });
  }
});

describe('desiredWebhookConfiguration', () => {
  const config = desiredWebhookConfiguration({ namespace: 'kuma-system', serviceName: 'cp', caBundle: 'PEM', port: 5443 });

  it('sends the kuma.io kinds and, in the control plane namespace only, labelled Secrets', () => {
    const [resources, secrets] = config.webhooks;
    expect(resources?.rules).toEqual([
      expect.objectContaining({ apiGroups: ['kuma.io'], apiVersions: ['v1alpha1'], resources: ['circuitbreakers', 'dataplanes', 'externalservices', 'faultinjections', 'healthchecks', 'meshes', 'meshgatewayinstances', 'meshgatewayroutes', 'meshgateways', 'proxytemplates', 'ratelimits', 'retries', 'timeouts', 'trafficlogs', 'trafficpermissions', 'traffictraces', 'zoneingresses', 'zoneinsights', 'zones'] }),
    ]);
    expect(resources?.namespaceSelector).toBeUndefined();
    expect(secrets?.rules).toEqual([expect.objectContaining({ apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] })]);
    expect(secrets?.namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'kuma-system' } });
    expect(secrets?.objectSelector).toEqual({ matchExpressions: [{ key: 'kuma.io/mesh', operator: 'Exists' }] });
  });

  it('fails closed and declares no side effects', () => {
    for (const w of config.webhooks) {
      expect(w).toMatchObject({ failurePolicy: 'Fail', sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 10 });
    }
  });
});
