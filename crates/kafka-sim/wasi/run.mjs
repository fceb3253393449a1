// Runs the kafka-sim command line built for wasm32-wasip1 under node's built-in WASI, with
// the current directory as the only preopened directory (scenario paths are relative to it):
//   node --no-warnings crates/kafka-sim/wasi/run.mjs target/wasm32-wasip1/release/kafka-sim.wasm run FILE --trace
// `cargo xtask test` compares its output byte for byte with the native binary's.
//
// The module's stdout goes to a temporary file, copied to our stdout at the end: WASI writes
// straight to fd 1, which fails with EAGAIN on a non-blocking pipe once output is large.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argv, cwd, exit, stdout } from "node:process";
import { WASI } from "node:wasi";

const [module, ...args] = argv.slice(2);
if (!module) {
  console.error("usage: node run.mjs KAFKA_SIM.wasm ARGS...");
  exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "kafka-sim-wasi-"));
const outPath = join(dir, "stdout");
const out = openSync(outPath, "w");
const wasi = new WASI({
  version: "preview1",
  args: ["kafka-sim", ...args],
  env: {},
  preopens: { ".": cwd() },
  stdout: out,
  returnOnExit: true,
});
const wasm = await WebAssembly.compile(readFileSync(module));
const instance = await WebAssembly.instantiate(wasm, wasi.getImportObject());
const code = wasi.start(instance);
closeSync(out);
const text = readFileSync(outPath);
rmSync(dir, { recursive: true });
stdout.write(text, () => exit(code));
