// Builds the browser assets into build/web/, flat: the C++ build embeds every file there and
// serves it at /<filename>.
//   pushwire.js          the client as an IIFE that sets window.Pushwire
//   pushwire.mjs         the client as an ES module
//   demo.js              the demo page's script (web/demo/)
//   iframe-relay.html    the iframe transport's relay page, with web/relay/ inlined
//   everything else in web/public/, as it is
// Files are written only when their content changed, and files no longer built are removed,
// so that an unchanged build leaves the C++ build nothing to redo.
import { build } from 'esbuild';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = `${root}web/`;
const out = `${root}build/web/`;

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  write: false,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function bundle(entry, options) {
  const result = await build({ ...common, entryPoints: [`${web}${entry}`], ...options });
  return result.outputFiles[0].text;
}

const files = new Map();
const [iife, esm, demo, relay] = await Promise.all([
  bundle('src/index.ts', { format: 'iife', globalName: 'Pushwire' }),
  bundle('src/index.ts', { format: 'esm' }),
  bundle('demo/main.ts', { format: 'iife' }),
  bundle('relay/iframe-relay.ts', { format: 'iife' }),
]);
files.set('pushwire.js', iife);
files.set('pushwire.mjs', esm);
files.set('demo.js', demo);

for (const entry of await readdir(`${web}public`, { withFileTypes: true })) {
  if (!entry.isFile()) throw new Error(`web/public/${entry.name}: only plain files are served (no subdirectories)`);
  if (files.has(entry.name)) throw new Error(`web/public/${entry.name} clashes with a built file`);
  files.set(entry.name, await readFile(`${web}public/${entry.name}`));
}

const template = String(files.get('iframe-relay.html'));
if (!template.includes('/*RELAY*/')) throw new Error('web/public/iframe-relay.html lacks the /*RELAY*/ placeholder');
files.set('iframe-relay.html', template.replace('/*RELAY*/', () => relay.trim().replace(/<\/(script)/gi, '<\\/$1')));

await mkdir(out, { recursive: true });
let written = 0;
for (const [name, content] of files) {
  const bytes = Buffer.from(content);
  const old = await readFile(`${out}${name}`).catch(() => null);
  if (old && old.equals(bytes)) continue;
  await writeFile(`${out}${name}`, bytes);
  written++;
}
for (const name of await readdir(out)) {
  if (!files.has(name) && (await stat(`${out}${name}`)).isFile()) await rm(`${out}${name}`);
}
console.log(`build/web: ${files.size} files, ${written} changed; pushwire.js ${Buffer.byteLength(iife)} bytes, ${gzipSync(iife, { level: 9 }).length} gzipped`);
