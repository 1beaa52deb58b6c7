//! What a reader sees of search results, through the shipped client in Node: snippets that start
//! and end between words and never repeat, quoted phrases and excluded words, and a word being
//! typed that ranks the page titled with it first.

use crate::common::*;

/// Run `body` (an async ES module body with `client`, `snippet`, `tokens` and `titles` in scope) against
/// the index of the site at `root`; its output lines.
fn with_client(root: &std::path::Path, body: &str) -> Vec<String> {
    let search = root.join("public/search");
    let script = format!(
        "import fs from 'node:fs';\nconst {{ createSearch, tokens }} = await import({module:?});\nconst {{ snippet }} = await import({snippets:?});\n\
         const client = await createSearch(async (p) => JSON.parse(fs.readFileSync({dir:?} + '/' + p, 'utf8')));\n\
         const titles = async (q, o = {{}}) => Promise.all((await client.search(q, o)).map(async (r) => (await client.fragment(r.doc)).title));\n\
         {body}\n",
        module = format!("file://{}/search.mjs", search.display()),
        snippets = format!("file://{}/snippet.mjs", search.display()),
        dir = search.display().to_string(),
    );
    node_lines(&script, &[])
}

fn site_of(files: &[(&str, String)]) -> tempfile::TempDir {
    let mut all: Vec<(&str, &str)> =
        vec![("site.yaml", "title: T\nbase_url: https://example.org/\nlanguages: [en, zh]\n")];
    all.extend(files.iter().map(|(p, t)| (*p, t.as_str())));
    let dir = site(&all);
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

fn item(title: &str, summary: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: 2020-01-01\nsummary: \"{summary}\"\n---\n\n{body}\n")
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn snippets_start_and_end_between_words_mark_every_match_and_never_repeat_a_sentence() {
    let filler = "Counties keep records of every loan they back. ".repeat(6);
    let summary = "The programme organised her first loan through the county guarantee fund.";
    let body =
        format!("{summary} {filler}Later the county fund organised a second round. 𠀀𠀁汇川区的担保基金支持返乡创业。");
    let dir = site_of(&[("content/reports/a.md", item("Loans", summary, &body))]);
    let lines = with_client(
        dir.path(),
        "const f = await client.fragment(0);\n\
         for (const q of ['organised', 'county fund', '担保基金', '返乡']) {\n\
           const s = snippet(f.text, q, new Set(tokens(q)));\n\
           const text = s.parts.map(([t]) => t).join('');\n\
           console.log(JSON.stringify({ q, text, before: s.before, after: s.after, marks: s.parts.filter(([, m]) => m).map(([t]) => t) }));\n\
         }",
    );
    assert_eq!(lines.len(), 4, "{lines:?}");
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let text = v["text"].as_str().expect("text");
        let (q, marks) = (v["q"].as_str().expect("q"), v["marks"].as_array().expect("marks"));
        assert!(!marks.is_empty(), "{q}: the match is marked: {text}");
        let first = text.chars().next().expect("not empty");
        assert!(!first.is_whitespace() && !matches!(first, '.' | ',' | ';'), "{q}: starts cleanly: {text:?}");
        assert!(!text.contains('\u{fffd}'), "{q}: no broken surrogate pair: {text:?}");
        let sentences: Vec<&str> = text.split(". ").filter(|s| s.len() > 20).collect();
        let mut unique = sentences.clone();
        unique.dedup();
        assert_eq!(sentences.len(), unique.len(), "{q}: no sentence twice: {text}");
        assert!(text.matches(summary.trim_end_matches('.')).count() <= 1, "{q}: the summary once: {text}");
        if v["before"].as_bool() == Some(true) {
            // Cut before: the snippet begins with a whole word of the text.
            let full = &body;
            let at = full.find(text.split_whitespace().next().unwrap_or_default()).expect("from the text");
            let before = full[..at].chars().last().unwrap_or(' ');
            assert!(
                !before.is_alphanumeric() || crate_is_han(before) || crate_is_han(first),
                "{q}: cut inside a word: {text:?}"
            );
        }
    }
}

fn crate_is_han(c: char) -> bool {
    seedbed::text::is_han(c)
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn a_quoted_phrase_needs_its_words_side_by_side_a_chinese_one_exactly_and_minus_leaves_out() {
    let dir = site_of(&[
        ("content/reports/both.md", item("Both", "A county guarantee fund for loans.", "Text.")),
        ("content/reports/reversed.md", item("Reversed", "The fund guarantee, and a guarantee on a fund.", "Text.")),
        ("content/reports/parted.md", item("Parted", "Each county gave a guarantee. Fund managers agreed.", "Text.")),
        ("content/reports/apart.md", item("Apart", "A guarantee of a loan.", "No money here.")),
        ("content/reports/fund.md", item("Fund", "A fund for loans.", "Text.")),
        ("content/reports/zh.zh.md", item("返乡创业", "返乡人员创业。", "正文。")),
        ("content/reports/zh2.zh.md", item("创业返乡", "创业之后返乡。", "正文。")),
    ]);
    let lines = with_client(
        dir.path(),
        "for (const q of ['\"guarantee fund\"', '\"county guarantee fund\"', '\"county fund\"', 'guarantee fund', 'loans -guarantee', '\"返乡创业\"', '返乡创业']) console.log(q + ' => ' + (await titles(q)).sort().join(','));\n\
         const long = 'a pasted abstract with \"guarantee fund\" in scare quotes and -dashes and many more words than any query';\n\
         console.log('long => ' + (await titles(long)).length);",
    );
    assert_eq!(
        lines,
        [
            // Punctuation does not part two words (as in the index, and as other engines do).
            "\"guarantee fund\" => Both,Parted",
            "\"county guarantee fund\" => Both",
            "\"county fund\" => ",
            "guarantee fund => Apart,Both,Fund,Parted,Reversed",
            "loans -guarantee => Fund",
            "\"返乡创业\" => 返乡创业",
            "返乡创业 => 创业返乡,返乡创业",
            "long => 5",
        ]
    );
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn a_word_being_typed_ranks_the_page_titled_with_it_first() {
    let mentions = "Guarantees, guarantees and guarantee funds: the guarantee fund of each county. ".repeat(3);
    let dir = site_of(&[
        (
            "content/reports/titled.md",
            item("Guarantee Funds for Returnees", "How counties back loans.", &"Counties lend. ".repeat(40)),
        ),
        ("content/people/someone.md", format!("---\ntitle: Someone\n---\n\n{mentions}\n")),
    ]);
    let lines = with_client(dir.path(), "console.log((await titles('guarant', { prefix: true }))[0]);");
    assert_eq!(lines, ["Guarantee Funds for Returnees"]);
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn a_chinese_snippet_is_half_as_many_characters_as_make_the_same_lines() {
    let module = repo_root().join("themes/default/static/search/snippet.mjs");
    let script = format!(
        "const {{ snippet }} = await import({:?});\n\
         const text = '返乡人员带回了积蓄、技能和人脉。'.repeat(12) + '县里设立担保基金承担大部分风险。' + '创业计划由评审组把关。'.repeat(12);\n\
         const s = snippet(text, '担保基金', new Set(['担保', '保基', '基金']));\n\
         console.log(s.parts.map(([t]) => t).join('').length, s.parts.filter(([, m]) => m).map(([t]) => t).join('|'));\n",
        format!("file://{}", module.display())
    );
    let out = node_lines(&script, &[]);
    let (length, marks) = out[0].split_once(' ').expect("two fields");
    let length: usize = length.parse().expect("a number");
    assert!((80..=112).contains(&length), "{out:?}");
    assert_eq!(marks, "担保基金");
}

#[test]
#[ignore = "needs Node.js: run scripts/test"]
fn a_quoted_phrase_of_words_too_common_to_keep_every_posting_ranks_and_rules_out_by_their_masks() {
    // An index written here: "rural" and "credit" are each in 8 pages but keep only the postings
    // of 3 (as a word in over 5,000 pages keeps its 5,000 heaviest), which a site this small
    // cannot make. Page 0 has "rural credit"; page 1 "credit rural"; page 2 "rural" before "credit"
    // somewhere, and is not in credit's postings (may have the phrase); page 3 never "rural credit".
    let module = repo_root().join("themes/default/static/search/search.mjs");
    let script = format!(
        "import {{ createSearch, pairBits, shardFile }} from {module:?};\n\
         const [creditNext, creditPrevious] = pairBits('credit'), [ruralNext, ruralPrevious] = pairBits('rural');\n\
         const masks = (list) => list.map((m) => [...Array(32).keys()].filter((b) => (m >>> b) & 1).map((b) => b.toString(32)).join('') + '.').join('');\n\
         const files = {{\n\
           'manifest.json': {{ version: 5, docs: 8, k1: 1.2, weight_scale: 1000, shards: [''], vocabulary: [] }},\n\
           [`t/${{shardFile('')}}.json`]: {{ credit: [8, 0, 2000, 1, 2000], rural: [8, 0, 2000, 1, 2000, 1, 2000, 1, 2000] }},\n\
           [`n/${{shardFile('')}}.json`]: {{ credit: masks([0, ruralPrevious, ruralNext, 0]), rural: masks([creditNext, 0, 0, creditPrevious, creditNext, 0, 0, 0]) }},\n\
         }};\n\
         const client = await createSearch(async (p) => files[p]);\n\
         for (const q of ['rural credit', '\"rural credit\"']) console.log((await client.search(q)).map((r) => r.doc).join(' '));\n",
        module = format!("file://{}", module.display()),
    );
    let lines = node_lines(&script, &[]);
    assert_eq!(lines, ["0 1 2 3", "0 2"], "page 0 confirmed first, then page 2; pages 1 and 3 ruled out");
}
