//! The native twin of the widget's `benchPlans` (`node xtask/bench-plans.mjs`): the same loop
//! (every plan of Rp 2,400,000 with the reference table into one reused buffer, a million
//! calls a run), timed in wall time and in this thread's CPU time.
//!
//! Run: `cargo bench -p kredivo-plan --bench plans_cpu [-- runs]`. On a machine shared with
//! other builds, criterion's wall time (`--bench plans`) also counts the time the scheduler
//! gave to others; CPU time does not, so the native/wasm ratio is taken from the CPU times of
//! this and the Node script, run one after the other.

use std::hint::black_box;
use std::time::Instant;

use kredivo_plan::{Money, PricingTable};

/// Nanoseconds this thread has run on a CPU (Linux's schedstat), if the kernel says.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a number is the count of runs.
    let runs = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(7);
    let table = PricingTable::kredivo_reference();
    let amount = Money::from_rupiah(2_400_000);
    let iterations = 1_000_000u32;
    let mut out = Vec::with_capacity(8);
    let mut bench = |n: u32| {
        let mut plans = 0usize;
        for _ in 0..n {
            table.plans_into(black_box(amount), &mut out);
            plans += black_box(out.len());
        }
        plans
    };
    bench(20_000);
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let (c0, t0) = (thread_cpu_ns(), Instant::now());
        let plans = bench(iterations);
        let seconds = t0.elapsed().as_secs_f64();
        let per_call = seconds * 1e9 / f64::from(iterations);
        wall.push(per_call);
        let cpu_per_call = match (c0, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 / f64::from(iterations),
            _ => f64::NAN,
        };
        cpu.push(cpu_per_call);
        println!(
            "run {run}: {:.1} M plans/s ({plans} plans), {per_call:.1} ns per call wall, \
             {cpu_per_call:.1} ns CPU",
            plans as f64 / seconds / 1e6
        );
    }
    println!(
        "native plans_into(2400000): median {:.1} ns per call (CPU time {:.1} ns; {} M calls a \
         run, {runs} runs)",
        median(wall),
        median(cpu),
        iterations / 1_000_000
    );
}
