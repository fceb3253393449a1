use kafka_sim::scenario::{parse_scenario, run_scenario};
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    for until in [60_000u64, 600_000, 3_600_000] {
        let s = parse_scenario(&text).unwrap();
        let t = Instant::now();
        let run = run_scenario(&s, Some(until));
        println!(
            "{until} ms: {:.1} ms ({} events)",
            t.elapsed().as_secs_f64() * 1000.0,
            run.engine.events().len()
        );
    }
}
