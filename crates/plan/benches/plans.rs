//! How fast are plans computed? The widget prices every badge on a page in the browser, and
//! the proxy prices every payment-types request, so this is the hot path.
//!
//! Run: `cargo bench -p kredivo-plan --bench plans`. Each iteration computes every plan the
//! reference table offers for one amount (4 plans for Rp 2,400,000), so
//! plans/second = 4 × iterations/second; criterion's throughput line reports it directly as
//! "elem/s".

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kredivo_plan::{Money, PricingTable};

fn plans(c: &mut Criterion) {
    let table = PricingTable::kredivo_reference();
    let amount = Money::from_rupiah(2_400_000);
    let per_iteration = table.plans(amount).len() as u64;

    let mut group = c.benchmark_group("plans");
    group.throughput(Throughput::Elements(per_iteration));

    // The allocation-free hot path: one buffer reused across iterations.
    let mut out = Vec::with_capacity(8);
    group.bench_function("plans_into/reference/2_400_000", |b| {
        b.iter(|| {
            table.plans_into(black_box(amount), &mut out);
            black_box(out.len())
        })
    });

    // The convenience API, which allocates one Vec per call.
    group.bench_function("plans/reference/2_400_000", |b| {
        b.iter(|| black_box(table.plans(black_box(amount))))
    });
    group.finish();

    // Badges: one figure per price on a page.
    let mut group = c.benchmark_group("badges");
    group.throughput(Throughput::Elements(per_iteration));
    group.bench_function("cheapest_monthly/reference/2_400_000", |b| {
        b.iter(|| black_box(table.cheapest_monthly(black_box(amount))))
    });
    group.finish();
}

criterion_group!(benches, plans);
criterion_main!(benches);
