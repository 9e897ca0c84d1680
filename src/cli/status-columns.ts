// The status column `portico get` appends to dataplanes (CONNECTED), meshgateways (PROGRAMMED)
// and meshgatewayroutes (ACCEPTED): read from the inspect API's overview of the mesh in one
// request per page of the overview (one for any ordinary mesh), never one per item. Anything the
// server cannot answer (a 404 from a server without the inspect API, a refusal, a global control
// plane that computed no status) leaves the cells at `-`: the status is extra, the list is what
// was asked for, so it never fails the command.
import type { KindNames } from '../api/kinds/descriptor.js';
import { segment, type ApiClient } from './api-client.js';
import { conditionCell, connectedCell, type Item } from './inspect-tables.js';
import type { Column, UniversalItem } from './output.js';
import { fetchAllPages } from './paged-list.js';

/** What each kind appends: where its overview is and how a cell reads an overview item. */
const STATUS_COLUMNS: Readonly<Record<string, { readonly header: string; readonly plural: string; readonly cell: (overview: Item) => string }>> = {
  Dataplane: { header: 'CONNECTED', plural: 'dataplanes', cell: connectedCell },
  MeshGateway: { header: 'PROGRAMMED', plural: 'meshgateways', cell: (o) => conditionCell(o['status'], 'Programmed') },
  MeshGatewayRoute: { header: 'ACCEPTED', plural: 'meshgatewayroutes', cell: (o) => conditionCell(o['status'], 'Accepted') },
};

/** The status column of `type` in `mesh`, or none for a kind without one. */
export async function statusColumns(client: ApiClient, type: Pick<KindNames, 'kind'>, mesh: string): Promise<Column[]> {
  const spec = STATUS_COLUMNS[type.kind];
  if (spec === undefined) return [];
  const overviews = await fetchAllPages(client, `/meshes/${segment(mesh)}/${spec.plural}/_overview`);
  const byName = new Map((overviews.ok ? overviews.items : []).map((o) => [o['name'], spec.cell(o)] as const));
  return [{ header: spec.header, cell: (item: UniversalItem) => byName.get(item['name']) ?? '-' }];
}
