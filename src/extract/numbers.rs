//! Numbers written as digits or English words, shared by the duration and impact readers.
//!
//! | written                         | value |
//! |---------------------------------|-------|
//! | `2.5`, `45`                     | 2.5, 45 |
//! | `a`, `an`, `one`                | 1     |
//! | `twenty-five`, `Twenty five`    | 25    |
//! | `one hundred`, `hundred`        | 100   |

/// The value of `s`, or `None` when a word is not a number word.
pub fn number(s: &str) -> Option<f64> {
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let l = s.to_ascii_lowercase();
    let mut total = 0.0;
    for w in l.split(['-', ' ']).filter(|w| !w.is_empty()) {
        total += match w {
            // `one hundred`: the `one` multiplies, it does not add.
            "one" if l.contains("hundred") => 0.0,
            "hundred" => 100.0,
            "a" | "an" | "one" => 1.0,
            "two" => 2.0,
            "three" => 3.0,
            "four" => 4.0,
            "five" => 5.0,
            "six" => 6.0,
            "seven" => 7.0,
            "eight" => 8.0,
            "nine" => 9.0,
            "ten" => 10.0,
            "eleven" => 11.0,
            "twelve" => 12.0,
            "fifteen" => 15.0,
            "twenty" => 20.0,
            "thirty" => 30.0,
            "forty" => 40.0,
            "fifty" => 50.0,
            "sixty" => 60.0,
            "seventy" => 70.0,
            "eighty" => 80.0,
            "ninety" => 90.0,
            _ => return None,
        };
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases: &[(&str, Option<f64>)] = &[
            ("2.5", Some(2.5)),
            ("an", Some(1.0)),
            ("twenty-five", Some(25.0)),
            ("Eighty", Some(80.0)),
            ("one hundred", Some(100.0)),
            ("several", None),
        ];
        for (s, want) in cases {
            assert_eq!(number(s), *want, "{s}");
        }
    }
}
