//! A press release's paragraphs as Markdown: paragraphs kept; a label such as
//! "Key points:" or "合作重点" over items becomes a heading and a list;
//! bullets and numbered items become lists; lines of figures whose columns
//! line up become a table.

/// The Markdown of `paragraphs`, each a run of non-blank lines.
pub fn markdown(paragraphs: &[Vec<&str>]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut i = 0;
    while i < paragraphs.len() {
        let lines = &paragraphs[i];
        let next_is_items = paragraphs
            .get(i + 1)
            .is_some_and(|next| next.iter().all(|l| item(l).is_some()));
        if lines.len() == 1 && is_label(lines[0]) && next_is_items {
            blocks.push(heading(lines[0]));
            blocks.push(list(&paragraphs[i + 1]));
            i += 2;
            continue;
        }
        blocks.extend(block(lines));
        i += 1;
    }
    let mut text = blocks.join("\n\n");
    text.push('\n');
    text
}

/// The Markdown of `paragraphs` written in Markdown: as they are.
pub fn as_written(paragraphs: &[Vec<&str>]) -> String {
    let blocks: Vec<String> = paragraphs.iter().map(|lines| lines.join("\n")).collect();
    format!("{}\n", blocks.join("\n\n"))
}

fn block(lines: &[&str]) -> Vec<String> {
    if lines.len() > 1 && is_label(lines[0]) && lines[1..].iter().all(|l| item(l).is_some()) {
        return vec![heading(lines[0]), list(&lines[1..])];
    }
    if lines.iter().all(|l| item(l).is_some()) {
        return vec![list(lines)];
    }
    if let Some(table) = table(lines) {
        return vec![table];
    }
    vec![lines
        .iter()
        .map(|l| escape_start(l.trim()))
        .collect::<Vec<_>>()
        .join("\n")]
}

/// A short line that introduces what follows: "Key points:", "合作重点：", "合作重点".
fn is_label(line: &str) -> bool {
    let line = line.trim();
    let short = line.chars().count() <= 40;
    short
        && (line.ends_with(':')
            || line.ends_with('：')
            || (line.chars().all(|c| !c.is_ascii()) && !line.ends_with('。')))
}

fn heading(line: &str) -> String {
    format!("## {}", line.trim().trim_end_matches([':', '：']))
}

/// What an item says, and its number if it is numbered.
fn item(line: &str) -> Option<(Option<String>, &str)> {
    let line = line.trim();
    for bullet in ['•', '·', '●', '▪', '-', '*', '–'] {
        if let Some(rest) = line.strip_prefix(bullet) {
            let rest = rest.trim_start();
            return (!rest.is_empty()
                && (bullet != '-' && bullet != '*' || line[bullet.len_utf8()..].starts_with(' ')))
            .then_some((None, rest));
        }
    }
    numbered(line)
}

/// `1.`, `1)`, `1、`, `(1)`, `（1）`, `一、`.
fn numbered(line: &str) -> Option<(Option<String>, &str)> {
    let inner = line.strip_prefix(['(', '（']);
    let body = inner.unwrap_or(line);
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let after = &body[digits.len()..];
        let rest = match inner {
            Some(_) => after.strip_prefix([')', '）']),
            None => after.strip_prefix('、').or_else(|| {
                // "2.5 million" is a figure, "2. Parks" an item.
                after
                    .strip_prefix(['.', ')'])
                    .filter(|rest| rest.starts_with(char::is_whitespace))
            }),
        }?;
        return Some((Some(digits), rest.trim_start()));
    }
    let chinese = "一二三四五六七八九十";
    let number = line.chars().next().filter(|c| chinese.contains(*c))?;
    let rest = line[number.len_utf8()..].strip_prefix('、')?;
    let value = chinese.chars().position(|c| c == number)? + 1;
    Some((Some(value.to_string()), rest.trim_start()))
}

/// A list; a numbered one counts on from its first item's number.
fn list(lines: &[&str]) -> String {
    let items: Vec<(Option<String>, &str)> = lines.iter().filter_map(|line| item(line)).collect();
    let first: usize = items
        .first()
        .and_then(|(number, _)| number.as_ref()?.parse().ok())
        .unwrap_or(1);
    items
        .into_iter()
        .enumerate()
        .map(|(i, (number, text))| match number {
            Some(_) => format!("{}. {text}", first.saturating_add(i)),
            None => format!("- {text}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lines whose cells (split by tabs or two spaces or more) are as many on
/// every line, two or more: a table, its first line the header.
fn table(lines: &[&str]) -> Option<String> {
    if lines.len() < 2 {
        return None;
    }
    let rows: Vec<Vec<String>> = lines.iter().map(|line| cells(line)).collect();
    let columns = rows[0].len();
    if columns < 2 || rows.iter().any(|row| row.len() != columns) {
        return None;
    }
    if rows.iter().flatten().any(|cell| is_sentence(cell)) {
        return None;
    }
    let line = |row: &Vec<String>| format!("| {} |", row.join(" | "));
    let mut out = vec![line(&rows[0]), format!("|{}", " --- |".repeat(columns))];
    out.extend(rows[1..].iter().map(line));
    Some(out.join("\n"))
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .split('\t')
        .flat_map(|part| part.split("  "))
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .map(|cell| cell.replace('|', "\\|"))
        .collect()
}

/// What a cell of figures never is, and prose typed with two spaces after
/// each full stop always is: a long text, or one ending a sentence.
fn is_sentence(cell: &str) -> bool {
    cell.chars().count() > 40 || cell.ends_with(['.', '。', '!', '！', '?', '？'])
}

/// A line of plain text as Markdown shows it as written: a mark that would
/// start a heading, quote, rule, code block or HTML block at its start is
/// escaped, and so is every `<`, which could open an HTML tag.
fn escape_start(line: &str) -> String {
    let line = line.replace('<', "\\<");
    match line.chars().next() {
        Some('#' | '>' | '=' | '-' | '+' | '*' | '_' | '`' | '~') => format!("\\{line}"),
        _ => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str) -> Vec<Vec<&str>> {
        text.split("\n\n").map(|p| p.lines().collect()).collect()
    }

    #[test]
    fn a_label_over_items_becomes_a_heading_and_a_list() {
        let md = markdown(&paragraphs("Both cities agreed.\n\nKey points:\n• seven parks\n• 615 projects\n\n合作重点\n\n1、教育\n2、医疗"));
        assert_eq!(md, "Both cities agreed.\n\n## Key points\n\n- seven parks\n- 615 projects\n\n## 合作重点\n\n1. 教育\n2. 医疗\n");
    }

    #[test]
    fn lined_up_figures_become_a_table() {
        let md = markdown(&paragraphs(
            "Measure\tWuxi\tXuzhou\nParks\t7\t7\nProjects  615  615",
        ));
        assert_eq!(md, "| Measure | Wuxi | Xuzhou |\n| --- | --- | --- |\n| Parks | 7 | 7 |\n| Projects | 615 | 615 |\n");
    }

    #[test]
    fn prose_stays_prose() {
        let md = markdown(&paragraphs(
            "Wuxi and Xuzhou - two cities - met.\n#1 priority: parks.",
        ));
        assert_eq!(
            md,
            "Wuxi and Xuzhou - two cities - met.\n\\#1 priority: parks.\n"
        );
        let figures = markdown(&paragraphs("2.5 million visitors came.\n3) more"));
        assert_eq!(figures, "2.5 million visitors came.\n3) more\n");
        assert_eq!(
            markdown(&paragraphs("3. parks\n4. schools")),
            "3. parks\n4. schools\n"
        );
    }

    #[test]
    fn prose_typed_with_two_spaces_after_each_full_stop_is_no_table() {
        let text = "The delegation arrived on Monday.  Talks began at once.\nThey signed seven agreements.  Both sides were pleased.";
        assert_eq!(markdown(&paragraphs(text)), format!("{text}\n"));
    }

    #[test]
    fn plain_text_that_markdown_would_read_as_markup_is_escaped() {
        let md = markdown(&paragraphs(
            "Results\n---\n<Xuzhou Daily> reported it.\n+ more\n```",
        ));
        assert_eq!(
            md,
            "Results\n\\---\n\\<Xuzhou Daily> reported it.\n\\+ more\n\\```\n"
        );
    }

    #[test]
    fn markdown_is_kept_as_written() {
        let written = "## Background\n\n**Seven** parks:\n\n1. Wuxi\n   - nested\n\n> a quote";
        assert_eq!(as_written(&paragraphs(written)), format!("{written}\n"));
    }

    #[test]
    fn a_list_numbered_from_the_largest_number_does_not_overflow() {
        let last = usize::MAX;
        let md = markdown(&paragraphs(&format!("{last}. parks\n{last}. schools")));
        assert_eq!(md, format!("{last}. parks\n{last}. schools\n"));
    }
}
