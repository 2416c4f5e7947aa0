//! `eclinic`: administer an e-clinic record store from a terminal or a script.

mod args;
mod bench;
mod bench_link;
mod bench_link_figures;
mod bench_signalling;
mod call;
mod commands;
mod devices;
mod input;
mod output;
mod process_usage;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            // Help for a reader that went away is nobody's loss: clap's own print does not panic on it.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first line names the problem; the rest is usage, available through --help.
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `eclinic --help`)");
            return ExitCode::from(2);
        }
    };
    let json = cli.json;
    // Two workers: a call encodes and decodes on its tasks while the network driver must keep running.
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(report) => {
            output::print(&report, json);
            // A broken audit chain is a finding a script must not miss.
            if matches!(report, output::Report::AuditBroken { .. }) { ExitCode::from(3) } else { ExitCode::SUCCESS }
        }
        Err(failure) => {
            output::print_error(&failure, json);
            ExitCode::FAILURE
        }
    }
}
