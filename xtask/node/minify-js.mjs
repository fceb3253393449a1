// Minifies the JavaScript of a trunk release build in place (wasm-bindgen's glue and its
// snippets) with esbuild, and rewrites each file's subresource-integrity hash in index.html so
// the browser still accepts it. Trunk's own JS minifier fails on wasm-bindgen's glue and leaves
// it as written (45 KB), hence this step; `cargo xtask dist` runs it after `trunk build`.
//
// Usage: node xtask/node/minify-js.mjs DIST_DIR

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { transformSync } from "esbuild";

const dist = process.argv[2];
if (!dist) {
  console.error("usage: node minify-js.mjs DIST_DIR");
  process.exit(2);
}

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith(".js") ? [path] : [];
  });
}

const sri = (bytes) => "sha384-" + createHash("sha384").update(bytes).digest("base64");

const indexPath = join(dist, "index.html");
let index = readFileSync(indexPath, "utf8");
for (const path of jsFiles(dist)) {
  const source = readFileSync(path, "utf8");
  const { code } = transformSync(source, { minify: true, format: "esm", target: "es2020" });
  const [before, after] = [sri(source), sri(code)];
  const href = "/" + relative(dist, path).split(sep).join("/");
  // Trunk writes each preload link with its integrity; a file it preloads must have one.
  const linked = index.includes(href);
  if (linked && !index.includes(before)) {
    console.error(`minify-js: index.html links ${href} without its integrity ${before}`);
    process.exit(1);
  }
  writeFileSync(path, code);
  index = index.split(before).join(after);
  console.log(`minified ${href}: ${source.length} -> ${code.length} bytes`);
}
writeFileSync(indexPath, index);
