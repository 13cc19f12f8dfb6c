import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const WEB = new URL('./web/', import.meta.url);

/** The console's page: its HTML shell and the script and stylesheet bundled from web/ (TypeScript, CSS). */
export interface ConsoleBundle {
  html: string;
  js: string;
  css: string;
}

/**
 * Bundles the front end in memory with esbuild at start-up (about 50 ms for a 15 kB script), so a fresh
 * clone needs no build step and nothing built is committed.
 */
export async function bundleConsole(): Promise<ConsoleBundle> {
  const out = await build({
    entryPoints: [new URL('main.ts', WEB).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: 'console',
    entryNames: 'app',
    logLevel: 'silent',
  });
  const text = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { html: await readFile(new URL('index.html', WEB), 'utf8'), js: text('.js'), css: text('.css') };
}
