// A proxy's ProxyTemplate, from the store to its effect (docs/policies.md "ProxyTemplate"): the
// template selected for the proxy (mesh/proxy-template-selection.ts) is read into a plan, its
// values decoded as at admission, and applied to the proxy's final Envoy resources by the xDS
// layer (xds/translator/proxy-template.ts) before anything is encoded. Pure.
import { modificationBody } from '../api/proxy-template-validate.js';
import { envoyValue, MODIFICATION_VALUE_TYPE, rawResourceValue } from '../api/proxy-template-values.js';
import type { StoredResource } from '../core/resource.js';
import type { ProxyTemplatePlan, TemplateMatch, TemplateModification, TemplateRawResource } from '../ir/proxy-template.js';
import { selectProxyTemplate } from '../mesh/proxy-template-selection.js';
import { applyProxyTemplate, gatewayOrigin, sidecarOrigin } from '../xds/translator/proxy-template.js';
import type { EnvoyResources } from '../xds/translator/translate.js';

/** The proxy types a template applies to. */
export type TemplateProxyType = 'gateway' | 'sidecar';

/** The resources after the template, or why the template cannot be applied. */
export type TemplateStep = { readonly ok: true; readonly resources: EnvoyResources } | { readonly ok: false; readonly message: string };

/**
 * `resources` finished with the ProxyTemplate that selects `proxy` among `templates`; unchanged
 * when none does.
 */
export function finishWithProxyTemplate(
  resources: EnvoyResources,
  proxy: StoredResource<'Dataplane'>,
  templates: readonly StoredResource<'ProxyTemplate'>[] | undefined,
  type: TemplateProxyType,
): TemplateStep {
  const template = selectProxyTemplate(proxy, templates ?? []);
  if (!template) return { ok: true, resources };
  const plan = cachedPlan(template, type);
  if (!plan.ok) return plan;
  return applyProxyTemplate(resources, plan.plan, type === 'gateway' ? gatewayOrigin : sidecarOrigin);
}

type PlanResult = ReturnType<typeof proxyTemplatePlan>;

/**
 * Plans by stored template object: the mirror keeps one object per template version, so a
 * template's values are decoded once per version and proxy type, not once per proxy generated.
 */
const plans = new WeakMap<StoredResource<'ProxyTemplate'>, Partial<Record<TemplateProxyType, PlanResult>>>();

function cachedPlan(template: StoredResource<'ProxyTemplate'>, type: TemplateProxyType): PlanResult {
  let byType = plans.get(template);
  if (!byType) plans.set(template, (byType = {}));
  return (byType[type] ??= proxyTemplatePlan(template, type));
}

/**
 * Whether importing `profile` keeps the configuration Portico generates for a proxy of `type`:
 * `default-proxy` does for every proxy, `gateway-proxy` for BUILTIN gateways; Portico has no
 * zone ingress or egress, so `ingress-proxy` and `egress-proxy` keep nothing.
 */
export function importsGenerated(profile: string, type: TemplateProxyType): boolean {
  return profile === 'default-proxy' || (profile === 'gateway-proxy' && type === 'gateway');
}

/** A stored template as a plan; its values were checked at admission, so a failure here is rare. */
export function proxyTemplatePlan(template: StoredResource<'ProxyTemplate'>, type: TemplateProxyType): { ok: true; plan: ProxyTemplatePlan } | { ok: false; message: string } {
  const source = `${template.mesh}/${template.name}`;
  const conf = template.spec.conf;
  const resources: TemplateRawResource[] = [];
  for (const [i, raw] of (conf?.resources ?? []).entries()) {
    const decoded = rawResourceValue(raw.resource);
    if (!decoded.ok) return { ok: false, message: `ProxyTemplate ${source}: conf.resources[${i}].resource: ${decoded.message}` };
    resources.push({ typeName: decoded.typeName!, name: raw.name, resource: decoded.value });
  }
  const modifications: TemplateModification[] = [];
  for (const [i, m] of (conf?.modifications ?? []).entries()) {
    const found = modificationBody(m);
    if (!found) continue;
    const [kind, body] = found;
    let value: Record<string, unknown> | undefined;
    if (body.operation !== 'remove') {
      const decoded = envoyValue(MODIFICATION_VALUE_TYPE[kind], body.value);
      if (!decoded.ok) return { ok: false, message: `ProxyTemplate ${source}: conf.modifications[${i}].${kind}.value: ${decoded.message}` };
      value = decoded.value;
    }
    modifications.push({ kind, operation: body.operation as TemplateModification['operation'], match: (body.match ?? {}) as TemplateMatch, ...(value ? { value } : {}) });
  }
  const keepsGenerated = (conf?.imports ?? []).some((p) => importsGenerated(p, type));
  return { ok: true, plan: { source, keepsGenerated, resources, modifications } };
}
