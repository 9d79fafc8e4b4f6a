//! What the fuzz suites share (`crates/plan/tests/fuzz.rs` and, through `#[path]`,
//! `crates/providers/tests/fuzz.rs`): a runner with an explicit case count per parser, input
//! strategies (arbitrary bytes, byte-level mutations of valid documents, valid documents with
//! one value retyped), and an allocator that counts what each parse allocates.
//!
//! Case counts are set per parser so a default `cargo test` (and `cargo xtask test`) runs a
//! known, reportable number; `PROPTEST_CASES=N` replaces every count for a longer campaign:
//!
//! ```sh
//! PROPTEST_CASES=1000000 cargo test --release -p kredivo-providers --test fuzz -- --nocapture
//! ```
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;

/// Counts the bytes each thread allocates, so a test can bound what one parse costs. Per
/// thread because the test harness runs tests in parallel on several threads.
pub struct CountingAlloc;

thread_local! {
    static ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

fn count(bytes: usize) {
    // `try_with`: allocations during thread teardown, after the counter is gone, are
    // simply not counted.
    let _ = ALLOCATED.try_with(|a| a.set(a.get().saturating_add(bytes)));
}

// SAFETY: every call is forwarded unchanged to `System`; the counter only adds up sizes.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded with the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: `ptr` came from `System` with `layout`; the caller upholds the rest.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result with the bytes this thread allocated meanwhile (every
/// allocation and reallocation counted at its full size, nothing subtracted for frees).
pub fn allocated_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATED.with(Cell::get);
    let result = f();
    let after = ALLOCATED.with(Cell::get);
    (result, after.saturating_sub(before))
}

/// The most a parse of `input_len` bytes may allocate: linear in the input with a fixed
/// allowance, so a small hostile input cannot make a parser allocate megabytes.
pub fn allocation_bound(input_len: usize) -> usize {
    64 * input_len + 64 * 1024
}

/// Fails the case when `f` allocated more than [`allocation_bound`] for `input_len` bytes.
pub fn bounded<R>(input_len: usize, f: impl FnOnce() -> R) -> Result<R, TestCaseError> {
    let (result, allocated) = allocated_during(f);
    let bound = allocation_bound(input_len);
    if allocated > bound {
        return Err(TestCaseError::fail(format!(
            "allocated {allocated} bytes for {input_len} bytes of input (bound {bound})"
        )));
    }
    Ok(result)
}

/// A plan that exists can produce its schedule, and the schedule adds up to its total.
pub fn schedule_adds_up(plan: &kredivo_plan::Plan) -> Result<(), TestCaseError> {
    let sum = plan
        .schedule()
        .iter()
        .try_fold(kredivo_plan::Money::ZERO, |s, l| s.checked_add(l.amount));
    prop_assert_eq!(sum, Ok(plan.total()), "{}", plan);
    Ok(())
}

/// This parser's case count: `cases`, or `PROPTEST_CASES` when set.
pub fn cases(cases: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases)
}

/// Runs `check` on `cases(n)` inputs from `strategy`, printing the count (visible with
/// `--nocapture`); a failure shrinks and panics with the smallest input.
pub fn fuzz<S: Strategy>(
    name: &str,
    n: u32,
    strategy: S,
    check: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let n = cases(n);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, check) {
        panic!("fuzz {name}: {e}");
    }
    println!("fuzz {name}: {n} cases");
}

/// Any bytes, up to 512.
pub fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..512)
}

/// Any text, up to 64 characters, often near the shapes parsers look for.
pub fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,64}",
        "[0-9 .,+-]{0,24}",
        "(Rp|IDR)? ?[0-9.,]{0,20}",
        "[0-9T:Z.-]{0,30}",
    ]
}

/// Tokens that break parsers in interesting ways when spliced into JSON.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-",
    "0",
    "-0",
    "1e999",
    "-1e-999",
    "99999999999999999999999999",
    "1.5",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\"",
    "{}",
    "[]",
    " ",
    "\\",
    "NaN",
    "\u{feff}",
    "\"1500100.00\"",
    "\"-5000\"",
];

/// One byte-level edit of a document.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Replace the byte at a position.
    Set(Index, u8),
    /// Insert a token at a position.
    Insert(Index, usize),
    /// Remove up to 8 bytes from a position.
    Remove(Index, usize),
    /// Cut the document at a position.
    Truncate(Index),
    /// Copy a slice of the document to another position.
    Splice(Index, Index, usize),
}

fn apply(mut doc: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = doc.len();
        match edit {
            Edit::Set(at, byte) if len > 0 => doc[at.index(len)] = *byte,
            Edit::Set(..) => {}
            Edit::Insert(at, token) => {
                let token = TOKENS[token % TOKENS.len()].as_bytes();
                let at = at.index(len + 1);
                doc.splice(at..at, token.iter().copied());
            }
            Edit::Remove(at, n) if len > 0 => {
                let at = at.index(len);
                doc.drain(at..(at + n).min(len));
            }
            Edit::Remove(..) => {}
            Edit::Truncate(at) => doc.truncate(at.index(len + 1)),
            Edit::Splice(from, to, n) if len > 0 => {
                let from = from.index(len);
                let piece: Vec<u8> = doc[from..(from + n).min(len)].to_vec();
                let to = to.index(len + 1);
                doc.splice(to..to, piece);
            }
            Edit::Splice(..) => {}
        }
    }
    doc
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<Index>(), any::<usize>()).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), 1usize..8).prop_map(|(i, n)| Edit::Remove(i, n)),
        any::<Index>().prop_map(Edit::Truncate),
        (any::<Index>(), any::<Index>(), 1usize..32).prop_map(|(a, b, n)| Edit::Splice(a, b, n)),
    ]
}

/// A valid document from `seeds` with 1 to 6 byte-level edits.
pub fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit(), 1..6),
    )
        .prop_map(|(seed, edits)| apply(seed.as_bytes().to_vec(), &edits))
}

/// Values that a field of the wrong type, sign or size might hold.
fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        "-?[0-9]{0,22}(\\.[0-9]{0,4})?".prop_map(Value::String),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
    ]
}

/// The JSON pointers of every value in `value`, containers included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// A valid document from `seeds` with one to three values replaced by values of another type
/// or an odd size: syntax stays valid, so the typed deserialisers and the checks after them
/// are what gets exercised.
pub fn retyped(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        prop::collection::vec((any::<Index>(), odd_value()), 1..4),
    )
        .prop_map(|(seed, swaps)| {
            let mut doc: Value = serde_json::from_str(seed).expect("seeds are valid JSON");
            for (at, replacement) in swaps {
                let mut all = Vec::new();
                pointers(&doc, String::new(), &mut all);
                let pointer = &all[at.index(all.len())];
                if let Some(slot) = doc.pointer_mut(pointer) {
                    *slot = replacement;
                }
            }
            serde_json::to_vec(&doc).expect("a Value serialises")
        })
}

/// Arbitrary bytes, mutated seeds and retyped seeds, in equal parts.
pub fn inputs(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![arbitrary_bytes(), mutated(seeds), retyped(seeds)]
}
