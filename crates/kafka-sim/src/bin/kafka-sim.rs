//! `kafka-sim run SCENARIO.json [--until MS] [--acks] [--describe-topics] [--dump TOPIC] [--trace]`
//!
//! Exit codes: 0 ok, 2 bad usage or bad scenario file (one message naming step and field).

use kafka_sim::describe::{describe_topics, dump_topic};
use kafka_sim::scenario::{parse_scenario, run_scenario};
use kafka_sim::trace::format_trace;
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: kafka-sim run SCENARIO.json [--until MS] [--acks] [--describe-topics] [--dump TOPIC]... [--trace]";

struct Args {
    path: String,
    until: Option<u64>,
    acks: bool,
    describe: bool,
    dump: Vec<String>,
    trace: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("run") => {}
        Some("-h") | Some("--help") => return Err(String::new()),
        Some(other) => return Err(format!("unknown command '{other}'")),
        None => return Err("missing command".to_string()),
    }
    let mut a = Args {
        path: String::new(),
        until: None,
        acks: false,
        describe: false,
        dump: Vec::new(),
        trace: false,
    };
    let mut path = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--acks" => a.acks = true,
            "--describe-topics" => a.describe = true,
            "--trace" => a.trace = true,
            "--until" => {
                let v = it.next().ok_or("--until needs a value in ms")?;
                a.until = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n <= kafka_sim::scenario::MAX_UNTIL_MS)
                        .ok_or_else(|| format!("--until: invalid value '{v}'"))?,
                );
            }
            "--dump" => a
                .dump
                .push(it.next().ok_or("--dump needs a topic name")?.clone()),
            s if s.starts_with('-') => return Err(format!("unknown flag '{s}'")),
            s => {
                if path.replace(s.to_string()).is_some() {
                    return Err("only one scenario file may be given".to_string());
                }
            }
        }
    }
    a.path = path.ok_or("missing SCENARIO.json")?;
    Ok(a)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("kafka-sim: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&args.path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kafka-sim: cannot read {}: {e}", args.path);
            return ExitCode::from(2);
        }
    };
    let scenario = match parse_scenario(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kafka-sim: {}: {e}", args.path);
            return ExitCode::from(2);
        }
    };
    let run = run_scenario(&scenario, args.until);
    let mut out = String::new();
    if args.acks {
        out.push_str(&run.acks_report(&scenario));
    }
    if args.describe {
        out.push_str(&describe_topics(&run.engine));
    }
    for topic in &args.dump {
        match dump_topic(&run.engine, topic) {
            Some(d) => out.push_str(&d),
            None => {
                eprintln!("kafka-sim: --dump: topic '{topic}' does not exist");
                return ExitCode::from(2);
            }
        }
    }
    if args.trace {
        out.push_str(&format_trace(run.engine.events()));
    }
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
