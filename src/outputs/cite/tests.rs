use super::*;

fn sample() -> Work {
    Work {
        authors: ["Su Hongwen", "Jiao Xudong", "Liu Zheng"].iter().map(|n| Name::parse(n)).collect(),
        title: "Migrant Workers Returning Home: Entrepreneurship & Innovation".into(),
        year: 2018,
        date: "2018/02/15".into(),
        series: Some("Research Report".into()),
        volume: Some(20),
        number: Some(1),
        publisher: "Rural Enterprise Research Centre".into(),
        url: "https://example.org/reports/returning-migrants/".into(),
        abstract_text: Some("Returnees bring savings, skills {and} 100% of their contacts.".into()),
        lang: Lang::En,
        key: "su2018migrant".into(),
        doi: None,
        report_number: None,
    }
}

#[test]
fn names_are_family_first_or_comma_separated_and_han_names_stay_whole() {
    assert_eq!(Name::parse("Su Hongwen"), Name { family: "Su".into(), given: "Hongwen".into(), han: false });
    assert_eq!(Name::parse("Smith, John Paul"), Name { family: "Smith".into(), given: "John Paul".into(), han: false });
    assert_eq!(Name::parse("苏红文").family, "苏红文");
    assert_eq!(Name::parse("Ou-Yang Hong-Wen").initials(), "H.-W.");
}

#[test]
fn apa_chicago_and_gbt_strings() {
    let w = sample();
    insta::assert_snapshot!("apa", apa(&w));
    insta::assert_snapshot!("chicago", chicago(&w));
    insta::assert_snapshot!("gbt7714", gbt7714(&w));
}

#[test]
fn bibtex_and_ris_records() {
    let w = sample();
    insta::assert_snapshot!("bibtex", bibtex(&w));
    insta::assert_snapshot!("ris", ris(&w).replace("\r\n", "⏎\n"));
}

#[test]
fn hostile_titles_stay_text_in_every_style() {
    let mut w = sample();
    w.title = "<script>alert(1)</script> } @misc{x,".into();
    for s in [apa(&w), chicago(&w), gbt7714(&w)] {
        assert!(!s.contains("<script"), "{s}");
    }
    let bib = bibtex(&w);
    assert!(bib.contains("title = {{<script>alert(1)</script> \\} @misc\\{x,}}"), "{bib}");
    w.title = "line\nbreak".into();
    assert!(ris(&w).contains("TI  - line break\r\n"));
}

#[test]
fn chinese_reports_use_whole_names_and_deng_after_three() {
    let mut w = sample();
    w.lang = Lang::Zh;
    w.authors = ["苏红文", "焦旭东", "刘峥", "王丽华"].iter().map(|n| Name::parse(n)).collect();
    assert!(gbt7714(&w).starts_with("苏红文, 焦旭东, 刘峥, 等. "), "{}", gbt7714(&w));
}

#[test]
fn a_doi_and_report_number_appear_in_every_style_and_record() {
    let mut w = sample();
    (w.doi, w.report_number) = (Some("10.12345/rerc.2018.01".into()), Some("RR-2018-01".into()));
    let apa = apa(&w);
    assert!(
        apa.contains("(Research Report Vol. 20, No. 1; Report No. RR-2018-01). ")
            && apa.ends_with(" https://doi.org/10.12345/rerc.2018.01"),
        "{apa}"
    );
    assert!(chicago(&w).ends_with(" https://doi.org/10.12345/rerc.2018.01."), "{}", chicago(&w));
    let gbt = gbt7714(&w);
    assert!(gbt.contains("Innovation: RR-2018-01[R/OL].") && gbt.ends_with(" DOI:10.12345/rerc.2018.01."), "{gbt}");
    let bib = bibtex(&w);
    assert!(bib.contains("  number = {RR-2018-01}") && bib.contains("  doi = {10.12345/rerc.2018.01}"), "{bib}");
    let ris = ris(&w);
    assert!(ris.contains("SN  - RR-2018-01\r\n") && ris.contains("DO  - 10.12345/rerc.2018.01\r\n"), "{ris}");
}
