//! Time zones as postmortems write them.
//!
//! | written                              | resolves to                                  |
//! |--------------------------------------|----------------------------------------------|
//! | `UTC`, `GMT`, `Z`, `UTC+0`           | offset 0                                     |
//! | `UTC-5`, `GMT+1`, `GMT + 1`, `UTC+05:30`, `+05:30`, `-0800` | that fixed offset     |
//! | `PST`, `EDT`, `CET`, `WAT`, `IST`, … | the offset in [`ABBREVIATIONS`]; some are ambiguous |
//! | `Europe/Paris`, `America/New_York`   | the IANA zone (offset depends on the date)   |
//! | `Eastern Time`, `Pacific Time`, …    | the IANA zone of that region                 |

use jiff::tz::{Offset, TimeZone};

use crate::model::Zone;

/// `(abbreviation, offset in minutes, ambiguous)`. Ambiguous abbreviations get the reading
/// most common in English-language postmortems, and are flagged so `check` can warn.
pub const ABBREVIATIONS: &[(&str, i32, bool)] = &[
    ("UTC", 0, false),
    ("GMT", 0, false),
    ("Z", 0, false),
    ("UT", 0, false),
    ("WET", 0, false),
    ("WEST", 60, false),
    ("BST", 60, true),  // British Summer Time; also Bangladesh Standard Time (+6)
    ("IST", 330, true), // India; also Irish (+1) and Israel (+2) Standard Time
    ("CET", 60, false),
    ("CEST", 120, false),
    ("MET", 60, false),
    ("EET", 120, false),
    ("EEST", 180, false),
    ("MSK", 180, false),
    ("WAT", 60, false),
    ("CAT", 120, false),
    ("EAT", 180, false),
    ("SAST", 120, false),
    ("GST", 240, true), // Gulf Standard Time; also South Georgia (-2)
    ("PKT", 300, false),
    ("ICT", 420, false),
    ("WIB", 420, false),
    ("SGT", 480, false),
    ("HKT", 480, false),
    ("PHT", 480, false),
    ("AWST", 480, false),
    ("JST", 540, false),
    ("KST", 540, false),
    ("ACST", 570, false),
    ("AEST", 600, false),
    ("AEDT", 660, false),
    ("NZST", 720, false),
    ("NZDT", 780, false),
    ("HST", -600, false),
    ("AKST", -540, false),
    ("AKDT", -480, false),
    ("PST", -480, false),
    ("PDT", -420, false),
    ("MST", -420, false),
    ("MDT", -360, false),
    ("CST", -360, true), // US Central; also China Standard Time (+8)
    ("CDT", -300, false),
    ("EST", -300, false),
    ("EDT", -240, false),
    ("AST", -240, true), // Atlantic; also Arabia Standard Time (+3)
    ("ADT", -180, false),
    ("NST", -210, false),
    ("BRT", -180, false),
    ("ART", -180, false),
];

/// Region names people write instead of zones: `(lowercase words, IANA name)`.
pub const REGION_NAMES: &[(&str, &str)] = &[
    ("eastern time", "America/New_York"),
    ("eastern standard time", "America/New_York"),
    ("eastern daylight time", "America/New_York"),
    ("central time", "America/Chicago"),
    ("central standard time", "America/Chicago"),
    ("mountain time", "America/Denver"),
    ("pacific time", "America/Los_Angeles"),
    ("pacific standard time", "America/Los_Angeles"),
    ("pacific daylight time", "America/Los_Angeles"),
    ("west africa time", "Africa/Lagos"),
    ("west african time", "Africa/Lagos"),
    ("east africa time", "Africa/Nairobi"),
    ("east african time", "Africa/Nairobi"),
    ("central european time", "Europe/Paris"),
    ("greenwich mean time", "UTC"),
    ("coordinated universal time", "UTC"),
];

/// Reads a zone as written; `None` when it is not a zone inquest knows.
pub fn parse_zone(written: &str) -> Option<Zone> {
    let w = written.trim().trim_matches(|c| c == '(' || c == ')').trim();
    if w.is_empty() {
        return None;
    }
    if let Some(&(_, offset, ambiguous)) = ABBREVIATIONS
        .iter()
        .find(|(a, _, _)| a.eq_ignore_ascii_case(w))
    {
        return Some(Zone {
            written: written.trim().to_string(),
            offset_minutes: Some(offset),
            iana: None,
            ambiguous,
        });
    }
    if let Some(offset) = parse_offset(w) {
        return Some(Zone {
            written: written.trim().to_string(),
            offset_minutes: Some(offset),
            iana: None,
            ambiguous: false,
        });
    }
    if let Some((_, iana)) = REGION_NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(w)) {
        return Some(Zone {
            written: written.trim().to_string(),
            offset_minutes: None,
            iana: Some((*iana).to_string()),
            ambiguous: false,
        });
    }
    if w.contains('/') && TimeZone::get(w).is_ok() {
        return Some(Zone {
            written: written.trim().to_string(),
            offset_minutes: None,
            iana: Some(w.to_string()),
            ambiguous: false,
        });
    }
    None
}

/// `UTC-5`, `GMT+1`, `GMT + 1`, `UTC+05:30`, `+05:30`, `-0800`, `UTC+0` → minutes east of UTC.
pub fn parse_offset(s: &str) -> Option<i32> {
    // Every offset has a sign: most words are not offsets, and cost no allocation.
    if !s.contains(['+', '-', '\u{2212}']) {
        return None;
    }
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let upper = s.to_ascii_uppercase();
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let (sign, digits) = match rest.chars().next()? {
        '+' => (1, &rest[1..]),
        '-' | '\u{2212}' => (-1, &rest[rest.chars().next()?.len_utf8()..]),
        _ => return None,
    };
    let (h, m) = if let Some((h, m)) = digits.split_once(':') {
        (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
    } else if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        (digits[..2].parse().ok()?, digits[2..].parse().ok()?)
    } else if (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        (digits.parse().ok()?, 0)
    } else {
        return None;
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// The jiff time zone a `Zone` stands for.
pub fn time_zone(zone: &Zone) -> Option<TimeZone> {
    if let Some(m) = zone.offset_minutes {
        return Offset::from_seconds(m * 60).ok().map(TimeZone::fixed);
    }
    zone.iana.as_deref().and_then(|n| TimeZone::get(n).ok())
}

/// The site's configured zone (`timezone` in site.toml): an IANA name, `UTC`, or an offset.
pub fn site_zone(name: &str) -> Option<Zone> {
    if let Ok(tz) = TimeZone::get(name) {
        let _ = tz;
        return Some(Zone {
            written: name.to_string(),
            offset_minutes: (name.eq_ignore_ascii_case("UTC")).then_some(0),
            iana: (!name.eq_ignore_ascii_case("UTC")).then(|| name.to_string()),
            ambiguous: false,
        });
    }
    parse_zone(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, Option<i32>, Option<&str>)] = &[
            ("UTC", Some(0), None),
            ("GMT", Some(0), None),
            ("PST", Some(-480), None),
            ("(PST)", Some(-480), None),
            ("edt", Some(-240), None),
            ("WAT", Some(60), None),
            ("EAT", Some(180), None),
            ("UTC-5", Some(-300), None),
            ("GMT+1", Some(60), None),
            ("GMT + 1", Some(60), None),
            ("UTC+05:30", Some(330), None),
            ("+05:30", Some(330), None),
            ("-0800", Some(-480), None),
            ("UTC+0", Some(0), None),
            ("Europe/Paris", None, Some("Europe/Paris")),
            ("Eastern Time", None, Some("America/New_York")),
        ];
        for (written, offset, iana) in cases {
            let z = parse_zone(written).unwrap_or_else(|| panic!("{written} not parsed"));
            assert_eq!(z.offset_minutes, *offset, "{written}");
            assert_eq!(z.iana.as_deref(), *iana, "{written}");
        }
    }

    #[test]
    fn ambiguous_abbreviations_are_flagged() {
        assert!(parse_zone("IST").unwrap().ambiguous);
        assert!(parse_zone("CST").unwrap().ambiguous);
        assert!(!parse_zone("PST").unwrap().ambiguous);
    }

    #[test]
    fn rejects_non_zones() {
        for w in ["", "Mars/Olympus", "local time", "UTC+99", "hello"] {
            assert!(parse_zone(w).is_none(), "{w}");
        }
    }

    #[test]
    fn site_zones() {
        assert!(site_zone("UTC").is_some());
        assert!(site_zone("America/New_York").is_some());
        assert!(site_zone("UTC-5").is_some());
        assert!(site_zone("Nowhere/Special").is_none());
    }
}
