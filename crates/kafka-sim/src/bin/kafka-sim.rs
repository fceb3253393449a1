//! `kafka-sim run SCENARIO.json [--until MS] [--acks] [--describe-topics] [--dump TOPIC] [--isolation-level read_committed|read_uncommitted] [--log-start-offsets TOPIC] [--get-offsets earliest|latest] [--trace] [--describe-groups] [--deliveries] [--connectors] [--ledger] [--lineage TOPIC-PARTITION@OFFSET]... [--check]`
//! `kafka-sim verify --seeds N [--start S] [--unclean] [--expect-loss] [--jobs J] [--out DIR]`
//! `kafka-sim lesson LESSON.json [--check]`
//!
//! Exit codes: 0 ok, 1 a broken invariant (`--check`, `verify`), 2 bad usage or bad scenario
//! file (one message naming step and field).

use kafka_sim::check::run_scenario_checked;
use kafka_sim::consumer::IsolationLevel;
use kafka_sim::describe::{
    connector_statuses, deliveries, describe_groups, describe_topics, dump_topic, earliest_offsets,
    get_offsets,
};
use kafka_sim::guarantees::lineage::parse_record_ref;
use kafka_sim::guarantees::text::{format_ledger, format_lineage};
use kafka_sim::guarantees::{lineage, GuaranteeLedger};
use kafka_sim::scenario::{parse_scenario, run_scenario};
use kafka_sim::trace::format_trace;
use kafka_sim::{Offset, TopicPartition};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: kafka-sim run SCENARIO.json [--until MS] [--acks] [--describe-topics] [--dump TOPIC]... [--isolation-level read_committed|read_uncommitted] [--log-start-offsets TOPIC]... [--get-offsets earliest|latest] [--trace] [--describe-groups] [--deliveries] [--connectors] [--ledger] [--lineage TOPIC-PARTITION@OFFSET]... [--check]
       kafka-sim verify [--seeds N] [--start S] [--unclean] [--expect-loss] [--jobs J] [--out DIR]
       kafka-sim lesson LESSON.json [--check]";

/// Scenario files larger than this are refused before reading (bounds memory on absurd input).
const MAX_SCENARIO_BYTES: u64 = 64 * 1024 * 1024;

struct Args {
    path: String,
    until: Option<u64>,
    acks: bool,
    describe: bool,
    dump: Vec<String>,
    isolation: IsolationLevel,
    log_start: Vec<String>,
    /// `--get-offsets`: `Some(true)` for latest, `Some(false)` for earliest.
    get_offsets: Option<bool>,
    trace: bool,
    describe_groups: bool,
    deliveries: bool,
    /// `--connectors`: each connector's status, as Connect's REST API gives it.
    connectors: bool,
    ledger: bool,
    /// `--lineage TOPIC-PARTITION@OFFSET`, each parsed.
    lineage: Vec<(TopicPartition, Offset)>,
    check: bool,
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
        isolation: IsolationLevel::ReadUncommitted,
        log_start: Vec::new(),
        get_offsets: None,
        trace: false,
        describe_groups: false,
        deliveries: false,
        connectors: false,
        ledger: false,
        lineage: Vec::new(),
        check: false,
    };
    let mut path = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--acks" => a.acks = true,
            "--describe-topics" => a.describe = true,
            "--trace" => a.trace = true,
            "--describe-groups" => a.describe_groups = true,
            "--deliveries" => a.deliveries = true,
            "--connectors" => a.connectors = true,
            "--check" => a.check = true,
            "--ledger" => a.ledger = true,
            "--lineage" => {
                let v = it
                    .next()
                    .ok_or("--lineage needs TOPIC-PARTITION@OFFSET, e.g. orders-0@42")?;
                a.lineage
                    .push(parse_record_ref(v).map_err(|e| format!("--lineage: {e}"))?);
            }
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
            "--isolation-level" => {
                a.isolation = match it.next().map(String::as_str) {
                    Some("read_committed") => IsolationLevel::ReadCommitted,
                    Some("read_uncommitted") => IsolationLevel::ReadUncommitted,
                    _ => {
                        return Err(
                            "--isolation-level needs read_committed or read_uncommitted".into()
                        )
                    }
                }
            }
            "--log-start-offsets" => a.log_start.push(
                it.next()
                    .ok_or("--log-start-offsets needs a topic name")?
                    .clone(),
            ),
            "--get-offsets" => {
                a.get_offsets = match it.next().map(String::as_str) {
                    Some("latest") | Some("-1") => Some(true),
                    Some("earliest") | Some("-2") => Some(false),
                    _ => return Err("--get-offsets needs earliest or latest".to_string()),
                }
            }
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
    if argv.first().map(String::as_str) == Some("verify") {
        return kafka_sim::sweep::cli::main(&argv[1..]);
    }
    if argv.first().map(String::as_str) == Some("lesson") {
        return kafka_sim::lesson::cli::main(&argv[1..]);
    }
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
    if let Ok(meta) = std::fs::metadata(&args.path) {
        if meta.len() > MAX_SCENARIO_BYTES {
            eprintln!(
                "kafka-sim: {}: the file is {} bytes; scenario files are limited to {MAX_SCENARIO_BYTES} bytes",
                args.path,
                meta.len()
            );
            return ExitCode::from(2);
        }
    }
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
    let (run, violation) = if args.check {
        let checked = run_scenario_checked(&scenario, args.until);
        for loss in checked.checker.losses() {
            eprintln!("kafka-sim: {loss}");
        }
        (checked.run, checked.violation)
    } else {
        (run_scenario(&scenario, args.until), None)
    };
    let mut out = String::new();
    if args.acks {
        out.push_str(&run.acks_report(&scenario));
    }
    if args.describe {
        out.push_str(&describe_topics(&run.engine));
    }
    for topic in &args.dump {
        match dump_topic(&run.engine, topic, args.isolation) {
            Some(d) => out.push_str(&d),
            None => {
                eprintln!("kafka-sim: --dump: topic '{topic}' does not exist");
                return ExitCode::from(2);
            }
        }
    }
    for topic in &args.log_start {
        match earliest_offsets(&run.engine, topic) {
            Some(d) => out.push_str(&d),
            None => {
                eprintln!("kafka-sim: --log-start-offsets: topic '{topic}' does not exist");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(latest) = args.get_offsets {
        out.push_str(&get_offsets(&run.engine, latest));
    }
    if args.trace {
        out.push_str(&format_trace(run.engine.events()));
    }
    if args.describe_groups {
        out.push_str(&describe_groups(&run.engine));
    }
    if args.deliveries {
        out.push_str(&deliveries(&run.engine));
    }
    if args.connectors {
        out.push_str(&connector_statuses(&run.engine));
    }
    if args.ledger {
        let mut ledger = GuaranteeLedger::new();
        ledger.feed(&run.engine, run.engine.events());
        out.push_str(&format_ledger(&ledger.counts(), ledger.entries()));
    }
    for (tp, offset) in &args.lineage {
        let steps = lineage(&run.engine, tp, *offset);
        if steps.is_empty() {
            eprintln!(
                "kafka-sim: --lineage: no record was ever appended at {tp}@{}",
                offset.0
            );
            return ExitCode::from(2);
        }
        out.push_str(&format_lineage(&steps));
    }
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return ExitCode::from(1);
    }
    if let Some(v) = violation {
        eprintln!("kafka-sim: {}: {v}", args.path);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
