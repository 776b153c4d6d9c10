//! Extraction never panics and stays fast, whatever the input: arbitrary strings and
//! strings built from the pieces postmortems are made of go through `content::parse` and
//! `extract::extract`.

use inquest::content;
use inquest::extract::{self, Defaults};
use proptest::prelude::*;

fn run(text: &str, name: &str) {
    let defaults = Defaults::default();
    let opts = defaults.options();
    if let Ok((doc, _)) = content::parse(name, name, text.as_bytes()) {
        let (meta, _) = extract::extract(&doc, &opts);
        let _ = extract::window(&meta, &defaults.zone);
    }
}

/// Fragments that exercise every extractor, glued together in any order.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Outage\n".to_string()),
        Just("**Duration:** ".to_string()),
        Just("from 10:00 AM to 12:30 PM (PST)".to_string()),
        Just("12:00 AM".to_string()),
        Just("24:00".to_string()),
        Just("between 4:44PM and ".to_string()),
        Just("0233 to 0239".to_string()),
        Just("March 1, 2023".to_string()),
        Just("04/05/2023".to_string()),
        Just("15Sep94".to_string()),
        Just("Start: ".to_string()),
        Just("End: ".to_string()),
        Just("\n- ".to_string()),
        Just("\n| 10:00 | x |".to_string()),
        Just("\n```\n".to_string()),
        Just("GMT + 1".to_string()),
        Just("+00:00".to_string()),
        Just("West African Time".to_string()),
        Just("(CAT)".to_string()),
        Just("45% of users".to_string()),
        Just("Eighty percent".to_string()),
        Just("2h30m".to_string()),
        Just("an hour and a half".to_string()),
        Just("[Start Time + 2 hours]".to_string()),
        Just("T+10m: ".to_string()),
        Just("<br>".to_string()),
        Just("---\ntitle: x\n---\n".to_string()),
        Just("date: Tue Nov 26 07:14:59 PST 2013\nauthor: a\n".to_string()),
        Just("é✓🚨\u{2212}".to_string()),
        "[ -~]{0,12}".prop_map(|s| s),
        "[0-9:.apmAPM /-]{0,8}".prop_map(|s| s),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        run(&s, "a.md");
        run(&s, "a.txt");
    }

    #[test]
    fn postmortem_shaped_text_never_panics(parts in prop::collection::vec(piece(), 0..40)) {
        let s = parts.concat();
        run(&s, "p.md");
        run(&s, "p.txt");
    }
}

/// Work grows with the input, not with its square: a document 8 times longer takes well
/// under 8 × 8 times as long (measured against the fastest of a few runs).
#[test]
fn extraction_is_linear_on_long_lines_and_many_lines() {
    let unit_line = "from 10:00 to 11:00 on May 3, 2024 (UTC), 45% of users, down for 2 hours; ";
    let unit_lines = "- 10:00 UTC: paged\n\n### 10:05\n| 10:06 | x |\nStart: 2024-05-03 10:00\n";
    for unit in [unit_line, unit_lines] {
        let time = |n: usize| {
            let text = unit.repeat(n);
            (0..3)
                .map(|_| {
                    let t = std::time::Instant::now();
                    run(&text, "x.md");
                    t.elapsed()
                })
                .min()
                .unwrap()
        };
        let small = time(500);
        let big = time(4000);
        assert!(
            big < small * 24 + std::time::Duration::from_millis(50),
            "{small:?} → {big:?}"
        );
    }
}
