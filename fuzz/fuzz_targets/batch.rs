//! The patrol readers on arbitrary bytes: post batches (JSONL and CSV) and the known-accounts CSV. Every line
//! ends up a post or a problem with a line number inside the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netra_core::patrol::{line_at, parse_accounts};
use netra_screen::batch::{BatchFormat, read_batch};

fuzz_target!(|data: &[u8]| {
    // The number of the line after the last byte: every line the file has.
    let lines = line_at(data, data.len() as u64);
    for format in [BatchFormat::Jsonl, BatchFormat::Csv] {
        let read = read_batch(data, format);
        // Each counted line is a post or has its problems; nothing is silently dropped.
        let mut problem_lines: Vec<usize> =
            read.problems.iter().filter(|p| p.field != "header").map(|p| p.line).collect();
        problem_lines.dedup();
        assert_eq!(read.posts.len() + problem_lines.len(), read.lines);
        for post in &read.posts {
            assert!(post.line >= 1 && post.line <= lines, "post line {} of {lines}", post.line);
            assert!(!post.text.trim().is_empty());
        }
        for problem in &read.problems {
            assert!(problem.line >= 1 && problem.line <= lines, "problem line {} of {lines}", problem.line);
        }
    }
    match parse_accounts(data) {
        Ok(rows) => assert!(rows.iter().all(|r| r.line >= 2 && r.line <= lines)),
        Err(problems) => assert!(problems.iter().all(|p| p.line <= lines)),
    }
});
