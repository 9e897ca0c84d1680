// Field paths in Kuma's notation, shared by the decoder and every validator so that a decode
// violation and a semantic violation about the same field carry byte-identical paths (the parser
// relies on that to drop semantic noise under a decode error).

/** Path of a named field below `parent` (`conf` + `listeners` -> `conf.listeners`). */
export function fieldPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** Path of a list item (`selectors` + 1 -> `selectors[1]`). */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** Path of a map entry; the key is JSON-quoted (`tags` + `kuma.io/service` -> `tags["kuma.io/service"]`). */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${JSON.stringify(key)}]`;
}

/** True when `path` is `ancestor` itself or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '') return true;
  if (!path.startsWith(ancestor)) return false;
  const next = path.charAt(ancestor.length);
  return next === '' || next === '.' || next === '[';
}
