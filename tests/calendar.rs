//! iCalendar files for forums: RFC 5545 lines, the forum's time zone, dates from content.

use crate::common::*;
use std::process::Command;

fn built() -> tempfile::TempDir {
    let dir = copy_site(&repo_root());
    let out = build(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

const FORUM: &str = "public/proceedings/forum-2016-returnee-entrepreneurship/";

#[test]
fn forum_and_session_calendars_follow_rfc_5545() {
    let dir = built();
    let whole = read(dir.path(), &format!("{FORUM}forum-2016-returnee-entrepreneurship.ics"));
    assert!(whole.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(whole.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(whole.matches("BEGIN:VEVENT").count(), 6, "the forum and its five sessions");
    assert!(!whole.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    assert!(whole.split("\r\n").all(|line| line.len() <= 75), "lines are folded at 75 octets");
    assert!(whole.contains("DTSTART;VALUE=DATE:20161118\r\nDTEND;VALUE=DATE:20161120\r\n"), "{whole}");
    assert!(whole.contains("DTSTART;TZID=Asia/Shanghai:20161118T090000\r\n"));
    assert!(whole.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"));
    assert!(whole.contains("DTSTAMP:20161118T000000Z\r\n"), "DTSTAMP comes from the item's date, not the clock");
    let session = read(dir.path(), &format!("{FORUM}forum-2016-returnee-entrepreneurship-session-2.ics"));
    assert_eq!(session.matches("BEGIN:VEVENT").count(), 1);
    assert!(session.contains("SUMMARY:Financing first businesses: micro-loans and guarantee funds\r\n"));
    let page = read(dir.path(), &format!("{FORUM}index.html"));
    assert!(
        page.contains("Speakers: <a href=\"/people/liu-zheng/\">Liu Zheng</a><span class=\"affiliation\"> (Rural Enterprise Research Centre)</span>, Wang Lihua"),
        "{page}"
    );
    assert!(page.contains("Times are in China Standard Time (UTC+8)."), "{page}");
}

#[test]
fn a_past_forum_offers_no_calendar_links_but_keeps_its_files() {
    let dir = built();
    let page = read(dir.path(), &format!("{FORUM}index.html"));
    assert!(!page.contains("Add to calendar") && !page.contains(".ics"), "the forum was in 2016: {page}");
    assert!(dir.path().join(format!("{FORUM}forum-2016-returnee-entrepreneurship-session-2.ics")).exists());
    // Built on 1 August 2016, the forum is to come.
    let root = dir.path().to_str().expect("utf-8");
    let before = Command::new(env!("CARGO_BIN_EXE_seedbed"))
        .args(["build", "--root", root, "--future"])
        .env("SOURCE_DATE_EPOCH", "1470009600")
        .output()
        .expect("run seedbed");
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    let page = read(dir.path(), &format!("{FORUM}index.html"));
    assert!(
        page.contains("forum-2016-returnee-entrepreneurship-session-2.ics\" download>Add to calendar</a>"),
        "{page}"
    );
    assert!(page.contains("download>Add the forum to your calendar</a>"));
}

#[test]
#[ignore = "needs Python's icalendar package: run scripts/test"]
fn calendars_load_in_python_icalendar() {
    let dir = built();
    let files: Vec<_> = tree(&dir.path().join("public"))
        .into_keys()
        .filter(|p| p.ends_with(".ics"))
        .map(|p| dir.path().join("public").join(p))
        .collect();
    assert!(files.len() >= 9, "{files:?}");
    let script = "import sys, icalendar\nfor f in sys.argv[1:]:\n    cal = icalendar.Calendar.from_ical(open(f, 'rb').read())\n    events = list(cal.walk('VEVENT'))\n    assert events, f\n    for e in events:\n        assert e.get('uid') and e.get('dtstamp') and e.get('dtstart'), f\n";
    let out = Command::new("python3").arg("-c").arg(script).args(&files).output().expect("python3");
    assert!(out.status.success(), "icalendar: {}", String::from_utf8_lossy(&out.stderr));
}
