// Schema pieces shared by several resource kinds.

import { field, listOf, mapOf, object, text, type ListSchema, type MapSchema, type ObjectSchema } from './schema.js';

/** A tag map (`kuma.io/service: web`); values are strings, as protojson requires. */
export const TAGS_SCHEMA: MapSchema = mapOf(text());

/** One selector: the tags a dataplane or listener must carry. */
export const SELECTOR_SCHEMA: ObjectSchema = object('Tags that must all match; "*" matches any value.', {
  match: field(TAGS_SCHEMA, 'Tag name to required value.', { default: {} }),
});

/** A `selectors` list. */
export const SELECTORS_SCHEMA: ListSchema = listOf(SELECTOR_SCHEMA);
