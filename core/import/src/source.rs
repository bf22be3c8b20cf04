//! The bytes of a file: its fingerprint, its encoding, and a reader that
//! hands them on as UTF-8 while counting progress.
//!
//! A file is read twice. The first pass computes its SHA-256 (so that a file
//! already imported is recognised before anything is parsed) and tells
//! whether the whole of it is valid UTF-8: if so it is UTF-8 (a BOM is
//! skipped), otherwise it is Windows-1252, the encoding French spreadsheets
//! save "CSV (séparateur: point-virgule)" in. Deciding on the whole file,
//! rather than on its first kilobytes, means an accented letter on row
//! 900,000 cannot be misread. The second pass parses.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

const CHUNK: usize = 256 * 1024;

/// The encoding a text file was found to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with a byte-order mark to skip.
    Utf8Bom,
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// Windows-1252 (which every byte sequence is).
    Windows1252,
    /// UTF-16, little-endian, with its byte-order mark (`FF FE`): what
    /// Excel's "Texte Unicode" writes, tab-separated.
    Utf16Le,
    /// UTF-16, big-endian, with its byte-order mark (`FE FF`).
    Utf16Be,
}

/// What the first pass learnt.
#[derive(Debug, Clone)]
pub struct Survey {
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Number of bytes.
    pub len: u64,
    /// The text encoding, if the file is text.
    pub encoding: Encoding,
}

/// The fingerprint and the encoding of bytes handed over in pieces, in
/// order: what [`survey`] computes, for an import that reads its file once
/// and hashes the pieces as its parser reads them.
pub(crate) struct Fingerprint {
    hasher: Sha256,
    len: u64,
    /// Whether every byte so far is UTF-8.
    utf8: bool,
    /// The start of a UTF-8 sequence cut by the end of the last piece.
    cut: Vec<u8>,
    first: Vec<u8>,
}

impl Fingerprint {
    pub(crate) fn new() -> Self {
        Fingerprint {
            hasher: Sha256::new(),
            len: 0,
            utf8: true,
            cut: Vec::with_capacity(4),
            first: Vec::with_capacity(3),
        }
    }

    pub(crate) fn update(&mut self, piece: &[u8]) {
        self.hasher.update(piece);
        self.len += piece.len() as u64;
        if self.first.len() < 3 {
            let more = 3 - self.first.len();
            self.first.extend(piece.iter().take(more));
        }
        if !self.utf8 || piece.is_empty() {
            return;
        }
        let mut rest = piece;
        // Completes a sequence cut at the end of the last piece, byte by
        // byte (at most three are missing).
        while !self.cut.is_empty() && !rest.is_empty() {
            self.cut.push(rest[0]);
            rest = &rest[1..];
            match std::str::from_utf8(&self.cut) {
                Ok(_) => self.cut.clear(),
                Err(e) if e.error_len().is_none() => {}
                Err(_) => {
                    self.utf8 = false;
                    return;
                }
            }
        }
        match std::str::from_utf8(rest) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => {
                self.cut.extend_from_slice(&rest[e.valid_up_to()..]);
            }
            Err(_) => self.utf8 = false,
        }
    }

    pub(crate) fn finish(self) -> Survey {
        // A file that ends inside a UTF-8 sequence is not UTF-8.
        let utf8 = self.utf8 && self.cut.is_empty();
        Survey {
            sha256: hex::encode(self.hasher.finalize()),
            len: self.len,
            encoding: encoding_of(utf8, &self.first),
        }
    }
}

fn encoding_of(utf8: bool, first: &[u8]) -> Encoding {
    // A UTF-16 byte-order mark is never UTF-8 (nor a sensible start of a
    // Windows-1252 file, `ÿþ`): it settles the encoding on its own.
    if first.starts_with(&[0xFF, 0xFE]) {
        Encoding::Utf16Le
    } else if first.starts_with(&[0xFE, 0xFF]) {
        Encoding::Utf16Be
    } else if !utf8 {
        Encoding::Windows1252
    } else if first == [0xEF, 0xBB, 0xBF] {
        Encoding::Utf8Bom
    } else {
        Encoding::Utf8
    }
}

/// The encoding the first bytes of a file say, and whether they settle it:
/// one byte that is not UTF-8 makes the whole file Windows-1252, while
/// bytes that are UTF-8 so far only make it likely (the rest is checked as
/// the file is read; see [`Fingerprint`]). `whole` says `head` is the
/// whole file.
pub(crate) fn sniff(head: &[u8], whole: bool) -> (Encoding, bool) {
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A sequence cut by the end of the head is UTF-8 so far, unless the
        // file ends there.
        Err(e) => e.error_len().is_none() && !whole,
    };
    let first = &head[..head.len().min(3)];
    let encoding = encoding_of(utf8, first);
    let settled = !utf8 || whole || matches!(encoding, Encoding::Utf16Le | Encoding::Utf16Be);
    (encoding, settled)
}

/// Hands every piece read through it to the writer's thread, which
/// fingerprints the file while this one parses it: one pass over the bytes
/// instead of two.
pub(crate) struct Tee<R, F> {
    inner: R,
    hand: F,
}

impl<R, F: FnMut(&[u8])> Tee<R, F> {
    pub(crate) fn new(inner: R, hand: F) -> Self {
        Tee { inner, hand }
    }
}

impl<R: Read, F: FnMut(&[u8])> Read for Tee<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.hand)(&buf[..n]);
        Ok(n)
    }
}

impl<R: io::Seek, F> io::Seek for Tee<R, F> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        // Only workbooks are read with seeks, and they are fingerprinted
        // before (see `Importer::import_reader`).
        self.inner.seek(pos)
    }
}

/// Reads `reader` to its end once, hashing and checking UTF-8 validity.
pub fn survey(mut reader: impl Read) -> io::Result<Survey> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK + 4];
    // The bytes of a UTF-8 sequence cut by the end of the previous read sit
    // at the start of `buf`, so that the next read completes them.
    let mut pending = 0;
    let mut utf8 = true;
    let mut len = 0u64;
    let mut first: Vec<u8> = Vec::with_capacity(3);
    loop {
        let n = match reader.read(&mut buf[pending..pending + CHUNK]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[pending..pending + n]);
        len += n as u64;
        if first.len() < 3 {
            first.extend(buf[pending..pending + n].iter().take(3 - first.len()));
        }
        let filled = pending + n;
        pending = 0;
        if utf8 {
            match std::str::from_utf8(&buf[..filled]) {
                Ok(_) => {}
                Err(e) if e.error_len().is_none() => {
                    let start = e.valid_up_to();
                    buf.copy_within(start..filled, 0);
                    pending = filled - start;
                }
                Err(_) => utf8 = false,
            }
        }
    }
    // A file that ends inside a UTF-8 sequence is not UTF-8.
    let utf8 = utf8 && pending == 0;
    let encoding = encoding_of(utf8, &first);
    Ok(Survey {
        sha256: hex::encode(hasher.finalize()),
        len,
        encoding,
    })
}

/// Counts the bytes read through it into a shared counter, for progress
/// reports made by whoever holds the other end.
#[derive(Debug)]
pub struct Counting<R> {
    inner: R,
    position: u64,
    count: Arc<AtomicU64>,
}

impl<R> Counting<R> {
    /// Wraps `inner`, counting into `count`.
    pub fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        Counting {
            inner,
            position: 0,
            count,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        // For a workbook, read with seeks, progress is the furthest point of
        // the file reached.
        self.count.fetch_max(self.position, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: io::Seek> io::Seek for Counting<R> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.position = self.inner.seek(pos)?;
        Ok(self.position)
    }
}

/// Turns Windows-1252 or UTF-16 bytes into UTF-8 as they are read.
#[derive(Debug)]
pub struct Decode<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Set once the decoder was told the input ended: encoding_rs forbids
    /// using it again.
    finished: bool,
    spill: Vec<u8>,
}

impl<R: Read> Decode<R> {
    /// Wraps `inner`, whose bytes are in `encoding` (a byte-order mark at
    /// the start is dropped).
    pub fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Decode {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            input: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            eof: false,
            finished: false,
            spill: Vec::new(),
        }
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // A Windows-1252 byte or a UTF-16 unit becomes at most three UTF-8
        // bytes (a surrogate pair, four bytes of UTF-16, four of UTF-8): a smaller
        // request is served through a spill buffer so that nothing is lost.
        if !self.spill.is_empty() || out.len() < 4 {
            if self.spill.is_empty() {
                let mut tmp = [0u8; 64];
                let n = self.decode(&mut tmp)?;
                self.spill.extend_from_slice(&tmp[..n]);
            }
            let k = self.spill.len().min(out.len());
            out[..k].copy_from_slice(&self.spill[..k]);
            self.spill.drain(..k);
            return Ok(k);
        }
        self.decode(out)
    }
}

impl<R: Read> Decode<R> {
    fn decode(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.finished {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                self.eof = self.end == 0;
            }
            let src = &self.input[self.start..self.end];
            let (result, read, written, _) = self.decoder.decode_to_utf8(src, out, self.eof);
            self.start += read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
            if written > 0 || self.eof {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per call, to cut UTF-8
    /// sequences at every possible place.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.step).min(buf.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn utf8_cut_anywhere_between_reads_is_still_utf8() {
        let text = "Étudiant(e);Salarié(e);Œuvre — ✓ 😀\n".repeat(50);
        for step in 1..9 {
            let s = survey(Trickle {
                data: text.as_bytes(),
                step,
            })
            .unwrap();
            assert_eq!(s.encoding, Encoding::Utf8, "step {step}");
            assert_eq!(s.len, text.len() as u64);
        }
    }

    #[test]
    fn a_fingerprint_of_pieces_is_the_survey_of_the_whole() {
        let mut texts = vec![
            "Étudiant(e);Salarié(e);Œuvre — ✓ 😀\n"
                .repeat(50)
                .into_bytes(),
            b"\xEF\xBB\xBFsite;date\n".to_vec(),
            b"Salari\xe9(e)\n".repeat(30),
            "caf\u{e9}".as_bytes()[..4].to_vec(),
            Vec::new(),
        ];
        let mut late = "é;a\n".repeat(100).into_bytes();
        late.push(0xE9);
        texts.push(late);
        for text in &texts {
            let whole = survey(&text[..]).unwrap();
            for step in [1, 2, 3, 5, 7, 64] {
                let mut f = Fingerprint::new();
                for piece in text.chunks(step) {
                    f.update(piece);
                }
                let pieces = f.finish();
                assert_eq!(pieces.sha256, whole.sha256);
                assert_eq!(pieces.len, whole.len);
                assert_eq!(pieces.encoding, whole.encoding, "step {step}: {text:?}");
            }
        }
    }

    #[test]
    fn sniffing_settles_windows_1252_at_once_and_utf8_only_at_the_end() {
        assert_eq!(
            sniff(b"Salari\xe9(e)", false),
            (Encoding::Windows1252, true)
        );
        assert_eq!(sniff("Salarié".as_bytes(), false), (Encoding::Utf8, false));
        assert_eq!(sniff("Salarié".as_bytes(), true), (Encoding::Utf8, true));
        assert_eq!(sniff(b"\xEF\xBB\xBFa", false), (Encoding::Utf8Bom, false));
        let cut = &"é".as_bytes()[..1];
        assert_eq!(sniff(cut, false), (Encoding::Utf8, false));
        assert_eq!(sniff(cut, true), (Encoding::Windows1252, true));
    }

    #[test]
    fn one_latin1_byte_anywhere_makes_the_file_windows_1252() {
        let mut bytes = "a;b\n".repeat(200_000).into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = 0xE9; // é in Windows-1252
        assert_eq!(survey(&bytes[..]).unwrap().encoding, Encoding::Windows1252);
    }

    #[test]
    fn a_file_cut_inside_a_utf8_sequence_is_not_utf8() {
        let bytes = "caf\u{e9}".as_bytes();
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(survey(cut).unwrap().encoding, Encoding::Windows1252);
    }

    #[test]
    fn a_bom_is_noticed_and_the_hash_is_the_sha256_of_the_bytes() {
        let s = survey(&b"\xEF\xBB\xBFsite;date\n"[..]).unwrap();
        assert_eq!(s.encoding, Encoding::Utf8Bom);
        let empty = survey(&b""[..]).unwrap();
        assert_eq!(
            empty.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn windows_1252_is_decoded_to_utf8_through_small_reads() {
        let bytes = b"Salari\xe9(e);\x80;\x9c\n".repeat(10_000);
        let mut out = String::new();
        Decode::new(
            Trickle {
                data: &bytes,
                step: 7,
            },
            encoding_rs::WINDOWS_1252,
        )
        .read_to_string(&mut out)
        .unwrap();
        assert_eq!(out, "Salarié(e);€;œ\n".repeat(10_000));
        let mut one_by_one = Vec::new();
        let mut reader = Decode::new(&b"\xe9t\xe9"[..], encoding_rs::WINDOWS_1252);
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).unwrap() == 1 {
            one_by_one.push(byte[0]);
        }
        assert_eq!(String::from_utf8(one_by_one).unwrap(), "été");
    }

    #[test]
    fn utf16_is_told_by_its_byte_order_mark_and_decoded_without_it() {
        let text = "Site\tDate\nSedan\t12/03/2009 é 😀\n";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        for (bytes, encoding, decoder) in [
            (&le, Encoding::Utf16Le, encoding_rs::UTF_16LE),
            (&be, Encoding::Utf16Be, encoding_rs::UTF_16BE),
        ] {
            assert_eq!(survey(&bytes[..]).unwrap().encoding, encoding);
            assert_eq!(sniff(&bytes[..8], false), (encoding, true));
            let mut out = String::new();
            Decode::new(
                Trickle {
                    data: bytes,
                    step: 3,
                },
                decoder,
            )
            .read_to_string(&mut out)
            .unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn reading_a_decoder_again_after_the_end_returns_nothing_rather_than_panicking() {
        let mut reader = Decode::new(&b"caf\xe9"[..], encoding_rs::WINDOWS_1252);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, "café");
        let mut buf = [0u8; 16];
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
        assert_eq!(reader.read(&mut buf).unwrap(), 0);
    }
}
