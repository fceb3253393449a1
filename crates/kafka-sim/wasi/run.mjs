// Runs the kafka-sim command line built for wasm32-wasip1 under node's built-in WASI, with
// the current directory as the only preopened directory (scenario paths are relative to it):
//   node --no-warnings crates/kafka-sim/wasi/run.mjs target/wasm32-wasip1/release/kafka-sim.wasm run FILE --trace
// `cargo xtask test` compares its output byte for byte with the native binary's.
//
// The module's stdout goes to a temporary file, copied to our stdout at the end: WASI writes
// straight to fd 1, which fails with EAGAIN on a non-blocking pipe once output is large.
//
// Fast API calls are off. Node's WASI functions are V8 fast API calls when wasm calls them,
// and one may start a garbage collection (node tells V8 of the memory its WASI allocates, with
// AdjustAmountOfExternalAllocatedMemory), which V8 does not allow inside a fast call: the heap
// or the stack is corrupted and node dies with SIGSEGV, SIGBUS or "Invalid bytecode" soon after
// (nodejs/node#46777 and #53087, open). Seen under node 20 in every run of
// scenarios/heavy/million-keyed-records.json, whose memory grows by 65 MB between two WASI
// calls (issue 21; `cargo xtask test` runs it here 10 times). Off, every WASI call takes the
// ordinary path, where a collection is safe.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argv, cwd, exit, stdout } from "node:process";
import { setFlagsFromString } from "node:v8";
import { WASI } from "node:wasi";

setFlagsFromString("--no-turbo-fast-api-calls");

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
