//! Source files and byte spans. Front ends record spans; reporters turn them into line and column.

use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// A zero-length span at the start of a file, for diagnostics about the file as a whole.
    pub fn file_start(file: FileId) -> Span {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }
}

pub struct SourceFile {
    /// The path as reported to the user (relative when the scanned path was relative).
    pub display_path: String,
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<u32>,
    /// For a file read through a translation (Terraform JSON syntax read as HCL): the text the
    /// parser reads, and where its pieces came from. Spans are in the translated text;
    /// reporting maps them back to `text`.
    pub translation: Option<Translation>,
    /// A copy of someone else's code that a tool restored (what `terraform init` installed, the
    /// Bicep module cache): findings are reported where the user's own files lead into it. The
    /// loader that reads such a file marks it (`SourceMap::mark_vendored`).
    pub vendored: bool,
}

pub struct Translation {
    pub text: String,
    /// (start in the translation, length, start in the original, copied verbatim).
    pub segments: Vec<(u32, u32, u32, bool)>,
}

/// One-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, display_path: String, mut text: String) -> SourceFile {
        // Windows editors save ARM templates and Bicep files with a byte order mark, which Azure
        // and the Bicep CLI ignore; none of the parsers here expect it.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        SourceFile {
            display_path,
            path,
            text,
            line_starts,
            translation: None,
            vendored: false,
        }
    }

    /// The text parsers read: the translation when there is one.
    pub fn parse_text(&self) -> &str {
        self.translation
            .as_ref()
            .map(|t| t.text.as_str())
            .unwrap_or(&self.text)
    }

    /// A parser's offset as an offset into `text`.
    pub fn original_offset(&self, offset: u32) -> u32 {
        let Some(t) = &self.translation else {
            return offset;
        };
        let i = t.segments.partition_point(|(start, ..)| *start <= offset);
        match i.checked_sub(1).map(|i| t.segments[i]) {
            Some((start, len, original, true)) if offset <= start + len => {
                original + (offset - start)
            }
            Some((_, _, original, _)) => original,
            None => 0,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = self.original_offset(offset).min(self.text.len() as u32);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a one-based line and column (column in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> u32 {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len() as u32;
        };
        let rest = &self.text[start as usize..];
        let within: usize = rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        start + within as u32
    }
}

#[derive(Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Marks a file as restored from someone else's module (see `SourceFile::vendored`).
    pub fn mark_vendored(&mut self, id: FileId) {
        self.files[id.0 as usize].vendored = true;
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path == path)
            .map(|i| FileId(i as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\nçd\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.offset_of(2, 2), 5);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_text() {
        let f = SourceFile::new("a".into(), "a".into(), "\u{feff}{\n}".into());
        assert_eq!(f.text, "{\n}");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
    }
}
