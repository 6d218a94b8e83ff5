//! The human report: per finding the rule, the message, a bounded snippet of the source around
//! the value, the help, the value's trace and the related locations. Every location is printed
//! whole as `path:line:col` (clickable in terminals and editors), whatever the width; long source
//! lines and trace steps are shortened instead.

use super::Report;
use crate::engine::{Finding, Severity};
use crate::source::{SourceFile, Span};
use unicode_width::UnicodeWidthStr;

/// A related location this many lines or fewer from the value is drawn in its snippet; farther
/// ones (and those in other files) are listed as `path:line:col: message`, so that a label
/// 500 lines away does not print the 500 lines in between.
const NEAR_LINES: usize = 3;
/// A value spanning more lines than this is shown by its first and last lines.
const LONG_SPAN_LINES: usize = 4;
/// Trace steps are listed up to this many; a longer trace ends with how many were left out.
const MAX_TRACE_STEPS: usize = 8;

struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        match self.color {
            true => format!("\x1b[{code}m{text}\x1b[0m"),
            false => text.to_string(),
        }
    }

    fn severity(&self, severity: Severity, text: &str) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.paint(code, text)
    }
}

pub fn render(report: &Report) -> String {
    let paint = Paint {
        color: report.presentation.color,
    };
    // Files handed over one by one (pre-commit) that are no stack at all: nothing to say.
    if report.findings.is_empty() && report.run.stacks.is_empty() {
        return String::new();
    }
    let width = report.presentation.width.max(40);
    let mut out = String::new();
    for finding in report.findings {
        render_finding(report, finding, &paint, width, &mut out);
        out.push('\n');
    }
    let capacity = report.capacity_lines();
    if report.presentation.capacity && !capacity.is_empty() {
        out.push_str(&paint.paint("1", "Agent subnet capacity"));
        out.push('\n');
        for (place, line) in capacity {
            out.push_str(&format!("  {}: ", paint.paint("1", &place)));
            wrap_into(&line, place.width() + 4, width, "    ", &mut out);
        }
        out.push('\n');
    }
    for line in report
        .summary_lines()
        .iter()
        .filter(|_| report.presentation.summary)
    {
        wrap_into(line, 0, width, "  ", &mut out);
    }
    out
}

fn render_finding(
    report: &Report,
    finding: &Finding,
    paint: &Paint,
    width: usize,
    out: &mut String,
) {
    let severity = finding.severity.as_str();
    let head = format!(
        "{}[{} {}]",
        paint.severity(finding.severity, severity),
        finding.rule.code,
        finding.rule.name
    );
    out.push_str(&head);
    out.push_str(": ");
    let indent = severity.len() + finding.rule.code.len() + finding.rule.name.len() + 5;
    wrap_into(&finding.message, indent, width, "  ", out);
    let at = report.start(finding.span);
    out.push_str(&format!(
        "  --> {}:{}:{}\n",
        paint.paint("1", report.file(finding.span)),
        at.line,
        at.column
    ));
    let file = report.sources.get(finding.span.file);
    let (near, far): (Vec<_>, Vec<_>) = finding.related.iter().partition(|r| {
        r.span.file == finding.span.file
            && report.start(r.span).line.abs_diff(at.line) <= NEAR_LINES
            && report.end(r.span).line.abs_diff(at.line) <= NEAR_LINES
    });
    let mut marks = vec![Mark {
        span: finding.span,
        label: finding.rule.name.to_string(),
        primary: true,
    }];
    marks.extend(near.iter().map(|r| Mark {
        span: r.span,
        label: r.message.clone(),
        primary: false,
    }));
    snippet(file, &marks, finding.severity, paint, width, out);
    if !finding.help.is_empty() {
        out.push_str("  = help: ");
        wrap_into(&finding.help, 10, width, "          ", out);
    }
    match &finding.remedy {
        Some(crate::fix::Remedy::Fix(fix)) => {
            let how = match fix.applicability {
                crate::fix::Applicability::Safe => "--fix",
                crate::fix::Applicability::Unsafe => "--fix --unsafe-fixes",
            };
            out.push_str("  = fix: ");
            wrap_into(
                &format!("{} ({how})", fix.title),
                9,
                width,
                "         ",
                out,
            );
        }
        Some(crate::fix::Remedy::NotFixed(why)) => {
            out.push_str("  = not fixed: ");
            wrap_into(why, 15, width, "               ", out);
        }
        None => {}
    }
    let steps = finding.trace_steps();
    if !steps.is_empty() {
        out.push_str("  = computed from:\n");
        for step in steps.iter().take(MAX_TRACE_STEPS) {
            let at = report.start(step.span);
            let place = format!("{}:{}:{}", report.file(step.span), at.line, at.column);
            let room = width.saturating_sub(place.width() + 6).max(30);
            out.push_str(&format!(
                "    {place}  {}\n",
                shorten(&one_line(&step.text), room)
            ));
        }
        if steps.len() > MAX_TRACE_STEPS {
            out.push_str(&format!(
                "    … {} more step(s) (see --format json)\n",
                steps.len() - MAX_TRACE_STEPS
            ));
        }
    }
    for related in far {
        let at = report.start(related.span);
        let place = format!("{}:{}:{}", report.file(related.span), at.line, at.column);
        out.push_str(&format!("  {}: ", paint.paint("1", &place)));
        wrap_into(&related.message, place.width() + 4, width, "    ", out);
    }
}

/// A label in a snippet.
struct Mark {
    span: Span,
    label: String,
    primary: bool,
}

/// The source lines of the marks (a long mark by its first and last lines) with a line of
/// context around the primary one; gaps are shown as `⋮`.
fn snippet(
    file: &SourceFile,
    marks: &[Mark],
    severity: Severity,
    paint: &Paint,
    width: usize,
    out: &mut String,
) {
    let lines: Vec<&str> = file.text.split('\n').collect();
    let line_of = |offset: u32| file.line_col(offset);
    // (line index, start column, end column, label, primary) of each underline, 0-based.
    let mut underlines: Vec<(usize, usize, usize, &str, bool)> = Vec::new();
    let mut shown: Vec<usize> = Vec::new();
    for mark in marks {
        let start = line_of(mark.span.start);
        let end = line_of(mark.span.end.max(mark.span.start));
        let (first, last) = (start.line - 1, end.line - 1);
        let line_len = |i: usize| lines.get(i).map_or(0, |l| l.chars().count());
        if first == last {
            let end_col = (end.column - 1).max(start.column);
            underlines.push((first, start.column - 1, end_col, &mark.label, mark.primary));
            shown.push(first);
        } else {
            underlines.push((first, start.column - 1, line_len(first), "", mark.primary));
            let last_start = lines
                .get(last)
                .map_or(0, |l| l.chars().take_while(|c| c.is_whitespace()).count());
            let end_col = (end.column - 1).max(last_start + 1);
            underlines.push((last, last_start, end_col, &mark.label, mark.primary));
            shown.push(first);
            if last - first < LONG_SPAN_LINES {
                shown.extend(first + 1..last);
            }
            shown.push(last);
        }
        if mark.primary {
            shown.push(first.saturating_sub(1));
            if last + 1 < lines.len() {
                shown.push(last + 1);
            }
        }
    }
    shown.sort_unstable();
    shown.dedup();
    shown.retain(|&i| i < lines.len());
    let gutter = shown.last().map_or(1, |l| (l + 1).to_string().len());
    let pad = " ".repeat(gutter);
    let bar = paint.paint("34", "│");
    let dot = paint.paint("34", "·");
    // Long lines are cut to the width, around the primary value.
    let room = width.saturating_sub(gutter + 4).max(20);
    let primary_col = underlines.iter().find(|u| u.4).map_or(0, |u| u.1);
    let offset = match underlines.iter().any(|u| u.2 > room) {
        true => primary_col.saturating_sub(room / 4),
        false => 0,
    };
    let mut previous: Option<usize> = None;
    for &i in &shown {
        if previous.is_some_and(|p| i > p + 1) {
            out.push_str(&format!("{pad} {}\n", paint.paint("34", "⋮")));
        }
        previous = Some(i);
        let text = window(&lines[i].replace('\t', " "), offset, room);
        let line = format!("{:>gutter$} {bar} {}", i + 1, text);
        out.push_str(line.trim_end());
        out.push('\n');
        for &(_, start, end, label, primary) in underlines.iter().filter(|u| u.0 == i) {
            let start = start.saturating_sub(offset).min(room);
            let end = end.saturating_sub(offset).min(room).max(start + 1);
            let glyph = if primary { "^" } else { "-" };
            let marks = glyph.repeat(end - start);
            let marks = match primary {
                true => paint.severity(severity, &marks),
                false => paint.paint("34", &marks),
            };
            let line = format!("{pad} {dot} {}{marks}", " ".repeat(start));
            // A label that does not fit after the marks goes under their start.
            if label.is_empty() {
                out.push_str(&format!("{line}\n"));
            } else if end + 1 + label.width() <= room {
                out.push_str(&format!("{line} {label}\n"));
            } else {
                let at = start.min(room.saturating_sub(label.width()));
                out.push_str(&format!("{line}\n{pad} {dot} {}{label}\n", " ".repeat(at)));
            }
        }
    }
}

/// `room` characters of `line` from character `offset`, with `…` where it was cut.
fn window(line: &str, offset: usize, room: usize) -> String {
    let count = line.chars().count();
    if offset == 0 && count <= room {
        return line.to_string();
    }
    let mut text: String = line.chars().skip(offset).take(room).collect();
    if offset > 0 {
        text.replace_range(..text.chars().next().map_or(0, char::len_utf8), "…");
    }
    if count > offset + room {
        text.pop();
        text.push('…');
    }
    text
}

/// A multi-line value on one line: every run of whitespace as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to `room` columns with `…` at the end.
fn shorten(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + 2 > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Writes `text` wrapped at `width` (the first line starts at column `first`, the next ones
/// after `indent`), breaking only between words, so that a path is never cut; a word longer
/// than a line stays whole on its own line.
fn wrap_into(text: &str, first: usize, width: usize, indent: &str, out: &mut String) {
    for (n, paragraph) in text.split('\n').enumerate() {
        let mut column = first;
        if n > 0 {
            out.push_str(indent);
            column = indent.width();
        }
        let mut line_empty = true;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = word.width();
            let overflows = match line_empty {
                true => column + w > width && column > indent.width(),
                false => column + 1 + w > width,
            };
            if overflows {
                if out.ends_with(' ') {
                    out.pop();
                }
                out.push('\n');
                out.push_str(indent);
                column = indent.width();
                line_empty = true;
            }
            if !line_empty {
                out.push(' ');
                column += 1;
            }
            out.push_str(word);
            column += w;
            line_empty = false;
        }
        out.push('\n');
    }
}
