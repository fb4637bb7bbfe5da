//! New PSK batches and the formats they are written in.
//!
//! A million keys make 80 MB of output, and copying that into the page cache is most of the
//! cost. So a batch is never built whole in memory: worker threads claim chunks in order, draw
//! each chunk's keys from the OS and render them, while the calling thread writes finished
//! chunks in order. Writing and rendering overlap, and memory stays at a few chunks.

use super::error::PskError;
use super::key::{check_key_size, push_hex, random_keys};
use crate::names::{self, NameTemplate};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use zeroize::Zeroizing;

/// Output formats of `psk gen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Mosquitto's `psk_file`: `identity:hexkey` per line.
    Mosquitto,
    /// `identity,key` with a header line, for factory provisioning systems.
    Csv,
    /// An array of `{"identity": …, "key": …}` objects.
    Json,
}

impl crate::choice::Choice for Format {
    const ALL: &'static [Self] = &[Format::Mosquitto, Format::Csv, Format::Json];
    fn id(self) -> &'static str {
        match self {
            Format::Mosquitto => "mosquitto",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
    fn help(self) -> &'static str {
        match self {
            Format::Mosquitto => "identity:hexkey per line (Mosquitto's psk_file)",
            Format::Csv => "identity,key with a header line",
            Format::Json => "an array of {\"identity\", \"key\"} objects",
        }
    }
}

/// A fresh key (lowercase hex) for each of `identities`, kept in memory: for callers that hold
/// the entries themselves, such as the fleet's PSK store.
pub fn generate_pairs(
    identities: &[String],
    bytes: usize,
) -> Result<Vec<(String, Zeroizing<String>)>, PskError> {
    check_identities(identities)?;
    let keys = random_keys(identities.len(), bytes)?;
    let mut hex = Zeroizing::new(Vec::with_capacity(2 * bytes));
    Ok(identities
        .iter()
        .zip(keys.chunks(bytes.max(1)))
        .map(|(id, key)| {
            hex.clear();
            push_hex(&mut hex, key);
            let text = String::from_utf8_lossy(&hex).into_owned();
            (id.clone(), Zeroizing::new(text))
        })
        .collect())
}

/// Checks identities named one by one: each a valid name, none twice.
pub fn check_identities(identities: &[String]) -> Result<(), PskError> {
    for id in identities {
        names::validate(id)?;
    }
    check_unique(identities)
}

/// Refuses a list that names an identity twice.
pub fn check_unique(identities: &[String]) -> Result<(), PskError> {
    let mut seen = HashSet::with_capacity(identities.len());
    for id in identities {
        if !seen.insert(id.as_str()) {
            return Err(PskError::DuplicateIdentity {
                identity: id.clone(),
            });
        }
    }
    Ok(())
}

/// The identities of a batch: listed, or numbered by a template (rendered as they are written).
#[derive(Debug, Clone)]
pub enum Identities {
    Listed(Vec<String>),
    Numbered {
        template: NameTemplate,
        start: u64,
        count: u64,
    },
}

impl Identities {
    /// Checks every identity: valid names, none twice.
    pub fn check(&self) -> Result<(), PskError> {
        match self {
            Identities::Listed(ids) => check_identities(ids),
            Identities::Numbered {
                template,
                start,
                count,
            } => Ok(template.check_range(*start, *count)?),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Identities::Listed(ids) => ids.len(),
            Identities::Numbered { count, .. } => usize::try_from(*count).unwrap_or(usize::MAX),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write(&self, out: &mut Vec<u8>, i: usize) {
        match self {
            Identities::Listed(ids) => out.extend_from_slice(ids[i].as_bytes()),
            Identities::Numbered {
                template, start, ..
            } => template.render_into(out, start + i as u64),
        }
    }
}

/// A batch to generate: identities and a key size. Keys are drawn while it is written.
#[derive(Debug, Clone)]
pub struct PskBatch {
    identities: Identities,
    bytes: usize,
}

/// Entries per chunk: big enough to amortise, small enough to spread over cores.
const CHUNK: usize = 16 * 1024;
/// Rendered chunks allowed to wait for the writer.
const IN_FLIGHT: usize = 8;

#[derive(Serialize)]
struct Record<'a> {
    identity: &'a str,
    key: &'a str,
}

impl PskBatch {
    pub fn new(identities: Identities, bytes: usize) -> Result<PskBatch, PskError> {
        if identities.is_empty() {
            return Err(PskError::NothingToGenerate);
        }
        check_key_size(bytes)?;
        identities.check()?;
        Ok(PskBatch { identities, bytes })
    }

    pub fn len(&self) -> usize {
        self.identities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
    }

    /// Generates the keys and writes the batch to `out` in `format`, in order.
    pub fn write_to(&self, format: Format, out: &mut dyn Write) -> Result<(), PskError> {
        match format {
            Format::Csv => out.write_all(b"identity,key\n")?,
            Format::Json => out.write_all(b"[\n")?,
            Format::Mosquitto => {}
        }
        let chunks = self.len().div_ceil(CHUNK);
        let next = AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (tx, rx) =
            mpsc::sync_channel::<(usize, Result<Zeroizing<Vec<u8>>, PskError>)>(IN_FLIGHT);
        let written = std::thread::scope(|scope| {
            for _ in 0..workers {
                let tx = tx.clone();
                let next = &next;
                scope.spawn(move || {
                    loop {
                        let chunk = next.fetch_add(1, Ordering::Relaxed);
                        if chunk >= chunks {
                            break;
                        }
                        let rendered = self.render_chunk(format, chunk);
                        let failed = rendered.is_err();
                        if tx.send((chunk, rendered)).is_err() || failed {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            // Chunks arrive nearly in order (workers claim them in order); hold early ones.
            let mut waiting = BTreeMap::new();
            let mut expected = 0;
            for (chunk, rendered) in rx {
                waiting.insert(chunk, rendered);
                while let Some(rendered) = waiting.remove(&expected) {
                    out.write_all(&rendered?)?;
                    expected += 1;
                }
            }
            Ok::<usize, PskError>(expected)
        })?;
        if written != chunks {
            return Err(PskError::WorkerStopped);
        }
        if format == Format::Json {
            out.write_all(b"\n]\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// The whole batch in memory, for small batches and for appending to a file.
    pub fn render(&self, format: Format) -> Result<Zeroizing<Vec<u8>>, PskError> {
        let mut out = Zeroizing::new(Vec::new());
        self.write_to(format, &mut *out)?;
        Ok(out)
    }

    fn render_chunk(&self, format: Format, chunk: usize) -> Result<Zeroizing<Vec<u8>>, PskError> {
        let first = chunk * CHUNK;
        let last = (first + CHUNK).min(self.len());
        let keys = random_keys(last - first, self.bytes)?;
        let mut out = Zeroizing::new(Vec::with_capacity((last - first) * (2 * self.bytes + 40)));
        let mut id = Vec::with_capacity(64);
        let mut hex = Zeroizing::new(Vec::with_capacity(2 * self.bytes));
        for (i, key) in (first..last).zip(keys.chunks(self.bytes)) {
            id.clear();
            self.identities.write(&mut id, i);
            hex.clear();
            push_hex(&mut hex, key);
            match format {
                Format::Mosquitto | Format::Csv => {
                    out.extend_from_slice(&id);
                    out.push(if format == Format::Csv { b',' } else { b':' });
                    out.extend_from_slice(&hex);
                    out.push(b'\n');
                }
                Format::Json => {
                    if i > 0 {
                        out.extend_from_slice(b",\n");
                    }
                    out.extend_from_slice(b"  ");
                    let record = Record {
                        identity: std::str::from_utf8(&id).unwrap_or_default(),
                        key: std::str::from_utf8(&hex).unwrap_or_default(),
                    };
                    serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from)?;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(n: u64) -> PskBatch {
        let template = NameTemplate::parse("a-{n}").unwrap();
        PskBatch::new(
            Identities::Numbered {
                template,
                start: 1,
                count: n,
            },
            16,
        )
        .unwrap()
    }

    #[test]
    fn formats_carry_the_same_data() {
        let b = batch(2);
        let mosq = String::from_utf8(b.render(Format::Mosquitto).unwrap().to_vec()).unwrap();
        let lines: Vec<&str> = mosq.lines().collect();
        assert_eq!(lines.len(), 2);
        // Keys are drawn afresh on every rendering, so compare shapes, not values.
        for (i, line) in lines.iter().enumerate() {
            let (id, key) = line.split_once(':').unwrap();
            assert_eq!(id, format!("a-{}", i + 1));
            assert_eq!(key.len(), 32);
        }
        let csv = String::from_utf8(b.render(Format::Csv).unwrap().to_vec()).unwrap();
        assert_eq!(csv.lines().next(), Some("identity,key"));
        assert_eq!(csv.lines().count(), 3);
        let json: serde_json::Value =
            serde_json::from_slice(&b.render(Format::Json).unwrap()).unwrap();
        assert_eq!(json[1]["identity"], "a-2");
        assert_eq!(json[1]["key"].as_str().unwrap().len(), 32);
    }

    #[test]
    fn chunks_are_written_in_order() {
        let n = (CHUNK * 3 + 7) as u64;
        let text = String::from_utf8(batch(n).render(Format::Json).unwrap().to_vec()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let items = json.as_array().unwrap();
        assert_eq!(items.len() as u64, n);
        for (i, item) in items.iter().enumerate() {
            assert_eq!(item["identity"], format!("a-{}", i + 1));
        }
    }

    #[test]
    fn identities_are_checked() {
        assert!(check_identities(&["a".into(), "a".into()]).is_err());
        assert!(check_identities(&["a:b".into()]).is_err());
        assert!(check_identities(&["a".into(), "b".into()]).is_ok());
    }
}
