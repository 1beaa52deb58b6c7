//! Helpers shared by the integration tests: fixture sites, running the binary, reading trees.
#![allow(dead_code)]

pub mod postgres;
pub mod service;
pub mod smtp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary copy of a fixture site, so a test can build into it and change it.
pub fn copy_site(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(src, dir.path());
    dir
}

pub fn copy_dir(src: &Path, dest: &Path) {
    let skip = ["public", "target", ".git", "node_modules", "tests", "src", "bench", "scripts", "digests"];
    let walker = walkdir::WalkDir::new(src)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || !skip.contains(&e.file_name().to_string_lossy().as_ref()));
    for entry in walker {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(src).expect("prefix");
        let target = dest.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A site written from (path, text) pairs, plus a minimal site.yaml unless one is given.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    if !files.iter().any(|(p, _)| *p == "site.yaml") {
        write(dir.path(), "site.yaml", "title: Fixture\nbase_url: https://example.org/\n");
    }
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

pub fn seedbed(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seedbed")).args(args).env("RUST_LOG", "warn").output().expect("run seedbed")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Build the site at `root` into `root/public` with the binary; returns the process output.
pub fn build(root: &Path, extra: &[&str]) -> Output {
    let root = root.to_str().expect("utf-8 path");
    let mut args = vec!["build", "--root", root];
    args.extend_from_slice(extra);
    seedbed(&args)
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

pub fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

pub const REPORT: &str = "---\ntitle: \"A report\"\ndate: 2018-02-15\nauthors: [Su Hongwen]\n---\n\nBody text.\n";

/// The shared tools (corpus generator, CISI), beside this repository unless SEEDBED_SHARED says otherwise.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("SEEDBED_SHARED").map(PathBuf::from).unwrap_or_else(|| repo_root().join("../shared"));
    assert!(
        dir.join("bench/gen_corpus.py").exists(),
        "the shared tools are expected at {} (set SEEDBED_SHARED)",
        dir.display()
    );
    dir
}

pub fn python(args: &[&str]) {
    let out = std::process::Command::new("python3").args(args).output().expect("python3 must be installed");
    assert!(out.status.success(), "python3 {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Run an ES module `script` in Node with `lines` on standard input (one per line); its standard
/// output, a line each.
pub fn node_lines(script: &str, lines: &[String]) -> Vec<String> {
    use std::io::Write;
    let mut child = Command::new("node")
        .args(["--input-type=module", "-e", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node must be installed");
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("node");
    assert!(out.status.success(), "node failed");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// A small, valid PDF: one page per entry of `pages`, each line of it set in Helvetica (Latin
/// text only), with a correct cross-reference table, as a word processor would save it.
pub fn pdf(pages: &[&[&str]]) -> Vec<u8> {
    pdf_with_font("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", pages)
}

/// `pdf` with another font dictionary (a broken one makes a file PDF readers stumble on).
pub fn pdf_with_font(font_dictionary: &str, pages: &[&[&str]]) -> Vec<u8> {
    let n = pages.len();
    let font = 3 + 2 * n;
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n} >>",
            (0..n).map(|i| format!("{} 0 R", 3 + 2 * i)).collect::<Vec<_>>().join(" ")
        ),
    ];
    for (i, lines) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>",
            4 + 2 * i
        ));
        let mut stream = String::from("BT /F1 12 Tf 72 720 Td 16 TL\n");
        for line in lines.iter() {
            let escaped = line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
            stream.push_str(&format!("({escaped}) Tj T*\n"));
        }
        stream.push_str("ET");
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    objects.push(font_dictionary.to_string());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// Full ranked document-id lists of the shipped client for each query (one line per query).
pub fn client_rankings(public: &Path, queries: &[String]) -> Vec<Vec<usize>> {
    let module = public.join("search/search.mjs");
    let script = format!(
        "import {{ createSearch }} from {:?};\nimport fs from 'node:fs';\nconst root = {:?};\nconst c = await createSearch(async (p) => JSON.parse(await fs.promises.readFile(root + '/' + p, 'utf8')));\nfor (const q of fs.readFileSync(0, 'utf8').split('\\n').slice(0, -1)) console.log((await c.search(q)).map((r) => r.doc).join(' '));\n",
        format!("file://{}", module.display()),
        public.join("search").display().to_string(),
    );
    let lines = node_lines(&script, queries);
    lines.iter().map(|l| l.split_whitespace().map(|d| d.parse().expect("doc id")).collect()).collect()
}
