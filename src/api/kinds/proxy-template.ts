// ProxyTemplate: raw Envoy configuration for the selected proxies (docs/policies.md). Kuma names it
// `proxytemplates` everywhere: over REST, in kumactl and as a CRD.
import { PROXY_TEMPLATE_SPEC_SCHEMA } from '../proxy-template.js';
import { validateProxyTemplate } from '../proxy-template-validate.js';
import { AGE_PRINTER_COLUMN, MESH_PRINTER_COLUMN } from './columns.js';
import { KIND_NAMES } from './names.js';
import { defineResourceKind, GLOBAL_TO_ZONES } from './descriptor.js';

/** The ProxyTemplate kind. */
export const PROXY_TEMPLATE = defineResourceKind({
  ...KIND_NAMES.ProxyTemplate,
  confidential: false,
  schema: PROXY_TEMPLATE_SPEC_SCHEMA,
  validate: validateProxyTemplate,
  kubernetes: {
    form: 'crd',
    scope: 'Cluster',
    printerColumns: [MESH_PRINTER_COLUMN, AGE_PRINTER_COLUMN],
  },
  multizone: GLOBAL_TO_ZONES,
});
