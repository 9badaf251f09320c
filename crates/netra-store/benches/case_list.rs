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
use netra_core::clock::ClockKind;
use netra_core::intake::CaseOrigin;
use netra_core::region::{RegionCode, RegionLevel};
use netra_core::workflow::{CaseSnapshot, CaseState, Holder, RunningClock, WorkflowRules};
use netra_store::AuditContext;
use netra_store::Store;
use netra_store::cases::{CaseEvent, CaseQuery, CaseRecord, CaseScope, Cursor, NewCase, ReportedPerson, WorkTab};
use time::macros::{date, datetime};

/// A small deterministic generator (xorshift), so that both databases get the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const TODAY: time::Date = date!(2024 - 11 - 20);

async fn generate(store: &dyn Store, count: usize) -> Duration {
    let started = Instant::now();
    let now = datetime!(2024-11-20 09:00 +7);
    netra_store::ensure_reference_data(store, now).await.unwrap();
    netra_store::demo::seed(store, now).await.unwrap();
    let agencies: Vec<String> = store.agencies().await.unwrap().into_iter().map(|a| a.id).collect();
    let regencies: Vec<RegionCode> =
        netra_core::builtin::regions().iter().filter(|r| r.level() == RegionLevel::Regency).map(|r| r.code).collect();
    let west_java: Vec<RegionCode> =
        regencies.iter().filter(|r| r.province_code() == RegionCode::province(32)).copied().collect();
    let catalogue = netra_core::builtin::catalogue();
    let codes: Vec<&str> = catalogue.items().iter().map(|i| i.code.as_str()).collect();
    let rules = WorkflowRules::builtin();
    let bkn_pusat = store.offices().await.unwrap().into_iter().find(|o| o.name.contains("Pusat")).map(|o| o.id);
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let ctx = AuditContext::system(now);
    for n in 0..count {
        let region = match rng.below(6) {
            0 => RegionCode::parse("32.04").unwrap(),
            1 => west_java[rng.below(west_java.len())],
            _ => regencies[rng.below(regencies.len())],
        };
        let occurred_on = TODAY - time::Duration::days(rng.below(120) as i64);
        let mut snapshot = CaseSnapshot::new(occurred_on, rules).unwrap();
        snapshot.state = CaseState::ALL[1 + rng.below(CaseState::ALL.len() - 1)];
        if !snapshot.state.is_terminal() {
            let due_on = TODAY + time::Duration::days(rng.below(40) as i64 - 20);
            snapshot.clocks = vec![RunningClock { kind: ClockKind::Kajian, started_on: occurred_on, due_on }];
        }
        let forwarded =
            matches!(snapshot.state.holder(), netra_core::workflow::Holder::Bkn | netra_core::workflow::Holder::Ppk);
        let agency = agencies[rng.below(agencies.len())].clone();
        let items: Vec<String> = (0..1 + rng.below(2)).map(|_| codes[rng.below(codes.len())].to_string()).collect();
        let id = uuid::Uuid::now_v7().to_string();
        let case = CaseRecord {
            id: id.clone(),
            number: String::new(),
            origin: if n % 5 == 0 { CaseOrigin::Finding } else { CaseOrigin::OnlineReport },
            snapshot,
            election_id: Some("pilkada-2024".into()),
            occurred_on,
            known_on: occurred_on,
            received_on: occurred_on,
            region,
            place: String::new(),
            latitude: None,
            longitude: None,
            description: format!("Kasus bangkitan {n}: ASN mengunggah dukungan kepada pasangan calon."),
            person: ReportedPerson { name: format!("ASN Bangkitan {n}"), ..Default::default() },
            agency_id: Some(agency.clone()),
            links: Vec::new(),
            items,
            bawaslu_office_id: None,
            // BKN's scope follows the forwarding: a forwarded case names its BKN office.
            bkn_office_id: if forwarded { bkn_pusat.clone() } else { None },
            ppk_agency_id: forwarded.then(|| agency.clone()),
            merged_into: None,
            registry_person_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let event = CaseEvent {
            case_id: id,
            seq: 0,
            action: "record_finding".into(),
            from_state: CaseState::EventKnown,
            to_state: case.snapshot.state,
            on: occurred_on,
            actor: "system".into(),
            office_id: None,
            detail: "{}".into(),
            at: now,
        };
        let new =
            NewCase { case, report: None, evidence: Vec::new(), event, notifications: Vec::new(), from_post: None };
        store.create_case(&ctx, &new).await.unwrap();
        if (n + 1) % 10_000 == 0 {
            eprintln!("  {} cases ({:.0} s)", n + 1, started.elapsed().as_secs_f64());
        }
    }
    started.elapsed()
}

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
    let took = generate(store.as_ref(), count).await;
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
