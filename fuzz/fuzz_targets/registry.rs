//! Registry imports on arbitrary bytes: the CSV reader names every bad row by line and never panics, and the row
//! parser takes arbitrary cells as an XLSX sheet gives them (one row per line, cells split by tabs). Names go
//! through the spelling rules the matcher uses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_registry::rows::{CsvRows, Header, parse_row};

fuzz_target!(|data: &[u8]| {
    for delimiter in [b',', b';'] {
        if let Ok(rows) = CsvRows::new(data, delimiter) {
            let mut last = 1;
            for row in rows.take(10_000) {
                let line = match &row {
                    Ok(_) => continue,
                    Err(problems) => problems[0].line,
                };
                assert!(line > last || line == last, "lines go forward: {line} after {last}");
                last = line;
            }
        }
    }
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    if let Some(first) = lines.next()
        && let Ok(header) = Header::new(first.split('\t'))
    {
        for (n, line) in lines.take(1_000).enumerate() {
            let cells: Vec<&str> = line.split('\t').collect();
            if let Ok(row) = parse_row(&header, n + 2, &cells) {
                assert!(!row.name.trim().is_empty());
            }
        }
    }
    let rules = netra_registry::names::rules();
    let split = rules.split(&text);
    let _ = split.plain();
    for word in text.split_whitespace().take(50) {
        let _ = netra_registry::names::fold(word);
        let _ = rules.key(word);
    }
});
