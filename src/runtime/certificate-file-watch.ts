// Certificate files named by MeshGateways (`file:` sources, docs/gateway.md §2.13) have no store
// events, so a replaced file would otherwise wait for some unrelated change of its gateway. The
// runtime polls exactly the files current generations read (GenerationEngine.watchedFiles) and
// tells the engine when one changes. Polling (fs.watchFile) rather than fs.watch: mounted secrets
// are replaced by renaming a directory symlink, which inotify on the file itself does not see, and
// a handful of stat calls every two seconds costs nothing.
import { unwatchFile, watchFile, type Stats } from 'node:fs';

/** Polls a set of paths; `onChange` gets a path whose content may have changed (or that appeared or vanished). */
export class CertificateFileWatch {
  private readonly watched = new Map<string, (current: Stats, previous: Stats) => void>();

  constructor(
    private readonly onChange: (path: string) => void,
    private readonly intervalMs = 2000,
  ) {}

  /** Watches exactly `paths` from now on. */
  set(paths: readonly string[]): void {
    const wanted = new Set(paths);
    for (const [path, listener] of this.watched) {
      if (wanted.has(path)) continue;
      unwatchFile(path, listener);
      this.watched.delete(path);
    }
    for (const path of wanted) {
      if (this.watched.has(path)) continue;
      const listener = (current: Stats, previous: Stats): void => {
        if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino) this.onChange(path);
      };
      watchFile(path, { interval: this.intervalMs, persistent: false }, listener);
      this.watched.set(path, listener);
    }
  }

  /** The paths watched, sorted. */
  paths(): string[] {
    return [...this.watched.keys()].sort();
  }

  /** Stops every poll. */
  close(): void {
    this.set([]);
  }
}
