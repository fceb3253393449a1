// Times the wasm32 build of the pipeline workload under node (see examples/wasm_bench.rs).
import { readFileSync } from "node:fs";
const path = process.argv[2];
const records = BigInt(process.argv[3] ?? "1000000");
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const start = performance.now();
const committed = instance.exports.run_pipeline(records);
const seconds = (performance.now() - start) / 1000;
if (committed !== records) throw new Error(`committed ${committed} != ${records}`);
console.log(`wasm pipeline: ${records} records: ${seconds.toFixed(3)} s, ${Math.round(Number(records) / seconds)} records/s`);
