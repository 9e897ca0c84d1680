// Log lines name the part of the control plane that wrote them in one `component` field. pino
// appends a child's bindings to its parent's, so naming a component under a logger that already
// has one would write the key twice, which log pipelines read as one value or the other. The root
// logger has none; each part names itself once, and a part handed a named logger keeps that name.
import type { Logger } from 'pino';

/** `parent` with `component: name`, unless it already names a component. */
export function componentLogger(parent: Logger, name: string): Logger {
  return parent.bindings()['component'] === undefined ? parent.child({ component: name }) : parent;
}
