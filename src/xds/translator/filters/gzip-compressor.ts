// The gzip response compressor (docs/gateway.md §2.12 item 3). Kuma named the filter `gzip-compress`
// rather than after its extension; the name is kept because config dumps and stats use it.
import { anyOf } from '../../envoy/type-urls.js';
import type { HttpFilterDefinition } from './http-filter.js';

/** Filter name as Kuma emitted it. */
export const GZIP_COMPRESSOR_FILTER_NAME = 'gzip-compress';

const COMPRESSOR_TYPE_NAME = 'envoy.extensions.filters.http.compressor.v3.Compressor';
const GZIP_TYPE_NAME = 'envoy.extensions.compression.gzip.compressor.v3.Gzip';

/** Compressor with the gzip library; ETag responses are left alone so that caches stay valid. */
export const gzipCompressorFilter: HttpFilterDefinition = {
  name: GZIP_COMPRESSOR_FILTER_NAME,
  buildConfig: () =>
    anyOf(COMPRESSOR_TYPE_NAME, {
      compressor_library: { name: 'gzip', typed_config: anyOf(GZIP_TYPE_NAME, {}) },
      response_direction_config: { disable_on_etag_header: true },
    }),
};
