//! Work-list benchmark: 100,000 generated cases on SQLite and on a real PostgreSQL server, then the filtered
//! first page (and a second page) of the work lists each kind of office opens, timed.
//!
//! `cargo bench -p netra-store --bench case_list [-- --cases N] [--sqlite-only]`
//!
//! Cases are written through `CaseStore::create_case` (the production path, with its audit entry), spread the
//! way reports are: a third in West Java, a sixth of those in Kabupaten Bandung, the rest across the country.

use std::sync::Arc;
use std::time::{Duration, Instant};

use netra_core::catalogue::ActLabel;
use netra_core::region::RegionCode;
use netra_core::workflow::{CaseState, Holder};
use netra_store::Store;
use netra_store::cases::{CaseQuery, CaseScope, Cursor, WorkTab};
use netra_store::testing::GENERATED_TODAY as TODAY;

/// Median and maximum of `runs` executions of a query, after one warm-up.
async fn time_query(store: &dyn Store, query: &CaseQuery, runs: usize) -> (Duration, Duration, usize) {
    let rows = store.list_cases(query).await.unwrap().len();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let page = store.list_cases(query).await.unwrap();
        times.push(started.elapsed());
        assert_eq!(page.len(), rows);
    }
    times.sort();
    (times[runs / 2], times[runs - 1], rows)
}

fn queries() -> Vec<(&'static str, CaseQuery)> {
    let q = |scope: CaseScope| CaseQuery::new(scope);
    let kab = RegionCode::parse("32.04").unwrap();
    let mut out = Vec::new();
    out.push(("Bawaslu Kab. Bandung: all, newest first", q(CaseScope::Region(kab))));
    let mut overdue = q(CaseScope::Region(RegionCode::province(32)));
    overdue.tab = WorkTab::Overdue { today: TODAY };
    out.push(("Bawaslu Jawa Barat: overdue", overdue));
    let mut held = q(CaseScope::Region(RegionCode::province(32)));
    held.tab = WorkTab::HeldBy(Holder::Bawaslu);
    held.state = Some(CaseState::Kajian);
    out.push(("Bawaslu Jawa Barat: held by us, state kajian", held));
    let mut act = q(CaseScope::All);
    act.act = Some(ActLabel::ALL[0]);
    act.region = Some(RegionCode::province(32));
    out.push(("Bawaslu RI: act + province filter", act));
    let mut dated = q(CaseScope::All);
    dated.occurred_from = Some(TODAY - time::Duration::days(10));
    dated.occurred_to = Some(TODAY - time::Duration::days(5));
    out.push(("Bawaslu RI: event-date range", dated));
    let mut soon = q(CaseScope::Forwarded(None));
    soon.tab = WorkTab::DueSoon { today: TODAY, until: TODAY + time::Duration::days(3) };
    out.push(("BKN Pusat: due soon", soon));
    let mut ppk = q(CaseScope::PpkAgency("pemkab-bandung".into()));
    ppk.tab = WorkTab::HeldBy(Holder::Ppk);
    out.push(("PPK Kab. Bandung: held by us", ppk));
    out.push(("Bawaslu RI: all, newest first", q(CaseScope::All)));
    out
}

async fn run(name: &str, store: Arc<dyn Store>, count: usize) {
    println!("\n== {name}: generating {count} cases ==");
    let took = netra_store::testing::generate_cases(store.as_ref(), count).await;
    println!("generated in {:.1} s ({:.0} cases/s)", took.as_secs_f64(), count as f64 / took.as_secs_f64());
    println!("{:<48} {:>10} {:>10} {:>6}", "first page (50 rows)", "median ms", "max ms", "rows");
    for (label, query) in queries() {
        let (median, max, rows) = time_query(store.as_ref(), &query, 21).await;
        println!("{label:<48} {:>10.2} {:>10.2} {rows:>6}", median.as_secs_f64() * 1e3, max.as_secs_f64() * 1e3);
        // The second page through the keyset cursor.
        let page = store.list_cases(&query).await.unwrap();
        if let Some(last) = page.last() {
            let mut next = query.clone();
            next.after = Some(Cursor {
                due_on: if query.tab.by_due_date() { last.next_due_on } else { None },
                case_id: last.id.clone(),
            });
            let (median, max, rows) = time_query(store.as_ref(), &next, 21).await;
            println!(
                "{:<48} {:>10.2} {:>10.2} {rows:>6}",
                "  … its second page",
                median.as_secs_f64() * 1e3,
                max.as_secs_f64() * 1e3
            );
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = args
        .iter()
        .position(|a| a == "--cases")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let (_dir, sqlite) = netra_store::testing::sqlite_store().await;
    run("SQLite", Arc::new(sqlite), count).await;
    if !args.iter().any(|a| a == "--sqlite-only") {
        let postgres = netra_store::testing::postgres_store().await;
        run("PostgreSQL", Arc::new(postgres), count).await;
    }
}
