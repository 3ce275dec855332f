//! Dates as news writes them: `2023-07-03`, `2023/7/3`, `July 3, 2023`,
//! `3 July 2023`, `2023年7月3日`, and without a year (`June 9`, `7月3日`),
//! which take the year of a full date elsewhere in the text.

use time::{Date, Month};

/// A date found in a line, its year missing when the text left it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
}

impl FoundDate {
    pub fn with_year(self, year: i32) -> Option<Date> {
        let month = Month::try_from(self.month).ok()?;
        Date::from_calendar_date(year, month, self.day).ok()
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Every date in `line`, in order.
pub fn dates_in(line: &str) -> Vec<FoundDate> {
    // Chinese text often writes figures full-width: ２０２３年７月３日.
    let line: String = line
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    let tokens = tokens(&line);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match date_at(&tokens[i..]) {
            Some((date, used)) => {
                found.push(date);
                i += used;
            }
            None => i += 1,
        }
    }
    found
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Number(u32),
    Month(u8),
    /// A CJK date mark: 年, 月 or 日.
    Mark(char),
    /// `-`, `/` or `.` between numbers.
    Separator,
    Other,
}

fn tokens(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_digit() {
            let mut end = start + 1;
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                end = i + d.len_utf8();
                chars.next();
            }
            tokens.push(line[start..end].parse().map_or(Token::Other, Token::Number));
        } else if c.is_alphabetic() && c.is_ascii() {
            let mut end = start + 1;
            while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_ascii_alphabetic()) {
                end = i + d.len_utf8();
                chars.next();
            }
            tokens.push(month(&line[start..end]).map_or(Token::Other, Token::Month));
        } else if matches!(c, '年' | '月' | '日' | '号') {
            tokens.push(Token::Mark(if c == '号' { '日' } else { c }));
        } else if c == '.' && matches!(tokens.last(), Some(Token::Month(_))) {
            // "Sept. 30": the abbreviation's full stop.
        } else if matches!(c, '-' | '/' | '.') {
            tokens.push(Token::Separator);
        } else if !c.is_whitespace() && c != ',' {
            tokens.push(Token::Other);
        }
    }
    tokens
}

/// A month's name, or three letters or more of it: `Jul`, `Sept`, `July`.
fn month(word: &str) -> Option<u8> {
    let word = word.to_ascii_lowercase();
    let index = MONTHS
        .iter()
        .position(|m| word.len() >= 3 && m.starts_with(word.as_str()))?;
    Some(index as u8 + 1)
}

/// A date starting at the first token, and how many tokens it used.
fn date_at(tokens: &[Token]) -> Option<(FoundDate, usize)> {
    use Token::{Mark, Month as M, Number as N, Separator as S};
    let found = |year: Option<u32>, month: u32, day: u32, used| {
        let valid = (1..=12).contains(&month)
            && (1..=31).contains(&day)
            && year.is_none_or(|y| (1900..=2100).contains(&y));
        valid.then(|| {
            let date = FoundDate {
                year: year.map(|y| y as i32),
                month: month as u8,
                day: day as u8,
            };
            (date, used)
        })
    };
    match tokens {
        [N(y), S, N(m), S, N(d), ..] if *y >= 1000 => found(Some(*y), *m, *d, 5),
        [N(y), Mark('年'), N(m), Mark('月'), N(d), Mark('日'), ..] => found(Some(*y), *m, *d, 6),
        [N(m), Mark('月'), N(d), Mark('日'), ..] => found(None, *m, *d, 4),
        [M(m), N(d), N(y), ..] if *y >= 1000 => found(Some(*y), u32::from(*m), *d, 3),
        [N(d), M(m), N(y), ..] if *y >= 1000 => found(Some(*y), u32::from(*m), *d, 3),
        [M(m), N(d), ..] => found(None, u32::from(*m), *d, 2),
        [N(d), M(m), ..] => found(None, u32::from(*m), *d, 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(line: &str) -> Option<(Option<i32>, u8, u8)> {
        dates_in(line).first().map(|d| (d.year, d.month, d.day))
    }

    #[test]
    fn the_forms_news_uses_are_read() {
        assert_eq!(
            first("date 2023-07-03 Title: A visit"),
            Some((Some(2023), 7, 3))
        );
        assert_eq!(
            first("Release time:2020-06-11 Browse:"),
            Some((Some(2020), 6, 11))
        );
        assert_eq!(
            first("On July 3, 2023, a delegation"),
            Some((Some(2023), 7, 3))
        );
        assert_eq!(
            first("On 3 July 2023 a delegation"),
            Some((Some(2023), 7, 3))
        );
        assert_eq!(
            first("2023年7月3日，徐州市代表团"),
            Some((Some(2023), 7, 3))
        );
        assert_eq!(first("7月3日上午"), Some((None, 7, 3)));
        assert_eq!(first("On June 9, Zhou Tiegen led"), Some((None, 6, 9)));
        assert_eq!(first("Sept. 30, 2021"), Some((Some(2021), 9, 30)));
        assert_eq!(first("２０２３年７月３日"), Some((Some(2023), 7, 3)));
    }

    #[test]
    fn figures_are_not_dates() {
        assert_eq!(
            first("7 parks, 2,500 people in 280 batches, 615 projects"),
            None
        );
        assert_eq!(first("over 100 billion yuan in 2020"), None);
        assert_eq!(first("in May he said"), None);
    }
}
