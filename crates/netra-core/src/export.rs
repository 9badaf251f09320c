//! Rules for files Netra exports: spreadsheet formula injection is neutralised in text formats.

/// A cell as written to CSV: text a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading apostrophe, so it arrives as text (OWASP "CSV injection").
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_plain_text_is_untouched() {
        for payload in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            assert!(neutralise(payload).starts_with('\''), "{payload:?}");
        }
        for plain in ["Asep Sunandar", "NTR-2024-000001", "2024-11-27", "", "a=b"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}

/// The smallest count a public table shows; smaller non-zero counts are withheld ([`suppress`]).
pub const MIN_PUBLISHED_COUNT: u64 = 5;

/// A cell of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicCell {
    Count(u64),
    /// Withheld: small (1 to `min - 1`), or withheld so that a small cell cannot be worked out from the totals.
    Withheld,
}

/// Small-cell suppression for a published count table whose row and column totals are also published: counts from
/// 1 to `min - 1` are withheld, and then, while a row or column has exactly one withheld cell, its smallest other
/// non-zero cell is withheld too (complementary suppression), so no withheld count follows from a total. Zeros are
/// shown: they reveal no one.
pub fn suppress(table: &[Vec<u64>], min: u64) -> Vec<Vec<PublicCell>> {
    let mut withheld: Vec<Vec<bool>> =
        table.iter().map(|row| row.iter().map(|&c| c > 0 && c < min).collect()).collect();
    let columns = table.iter().map(Vec::len).max().unwrap_or(0);
    loop {
        let mut changed = false;
        // Rows, then columns: a line with one withheld cell gives it away through its total.
        for r in 0..table.len() {
            let line: Vec<(usize, usize)> = (0..table[r].len()).map(|c| (r, c)).collect();
            changed |= protect(table, &mut withheld, &line);
        }
        for c in 0..columns {
            let line: Vec<(usize, usize)> = (0..table.len()).filter(|&r| c < table[r].len()).map(|r| (r, c)).collect();
            changed |= protect(table, &mut withheld, &line);
        }
        if !changed {
            break;
        }
    }
    table
        .iter()
        .zip(&withheld)
        .map(|(row, hidden)| {
            row.iter().zip(hidden).map(|(&c, &h)| if h { PublicCell::Withheld } else { PublicCell::Count(c) }).collect()
        })
        .collect()
}

/// Withholds a second cell of `line` when exactly one is withheld; whether it did.
fn protect(table: &[Vec<u64>], withheld: &mut [Vec<bool>], line: &[(usize, usize)]) -> bool {
    let hidden = line.iter().filter(|&&(r, c)| withheld[r][c]).count();
    if hidden != 1 {
        return false;
    }
    let partner = line.iter().filter(|&&(r, c)| !withheld[r][c] && table[r][c] > 0).min_by_key(|&&(r, c)| table[r][c]);
    match partner {
        Some(&(r, c)) => {
            withheld[r][c] = true;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod suppression_tests {
    use super::*;

    fn hidden(cells: &[Vec<PublicCell>]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (r, row) in cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if *cell == PublicCell::Withheld {
                    out.push((r, c));
                }
            }
        }
        out
    }

    #[test]
    fn small_cells_are_withheld_with_a_partner_in_each_line() {
        let table = vec![vec![12, 3, 0], vec![20, 9, 7], vec![0, 0, 0]];
        let cells = suppress(&table, 5);
        let gone = hidden(&cells);
        assert!(gone.contains(&(0, 1)), "the small cell");
        // No row or column has exactly one withheld cell.
        for r in 0..3 {
            assert_ne!(gone.iter().filter(|&&(x, _)| x == r).count(), 1, "row {r}: {gone:?}");
        }
        for c in 0..3 {
            assert_ne!(gone.iter().filter(|&&(_, y)| y == c).count(), 1, "column {c}: {gone:?}");
        }
        assert_eq!(cells[2], vec![PublicCell::Count(0); 3], "zeros are shown");
        assert_eq!(suppress(&[vec![40, 50]], 5), vec![vec![PublicCell::Count(40), PublicCell::Count(50)]]);
    }
}
