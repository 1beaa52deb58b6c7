//! A throw-away PostgreSQL cluster for the subscription tests: Debian's `postgresql`, `initdb`
//! in a temporary folder, run as an unprivileged user (`nobody` when the tests run as root, as
//! PostgreSQL refuses root), listening on 127.0.0.1 only, stopped when dropped.

use std::path::PathBuf;
use std::process::Command;

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
}

/// The newest installed server's programs (`/usr/lib/postgresql/<version>/bin`).
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (scripts/test installs Debian's postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort_by_key(|p| p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()).unwrap_or(0));
    versions.pop().expect("no /usr/lib/postgresql/<version>/bin/initdb")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

impl Postgres {
    /// Make and start a cluster; returns once it accepts connections.
    pub fn start() -> Postgres {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let pg = Postgres { dir, port, bin: bin_dir() };
        if is_root() {
            let status = Command::new("chown").arg("nobody").arg(pg.dir.path()).status().expect("chown");
            assert!(status.success());
        }
        let data = pg.data();
        let out = pg
            .command("initdb")
            .args(["-A", "trust", "-U", "seedbed", "-E", "UTF8", "--locale=C", "-D"])
            .arg(&data)
            .output()
            .expect("run initdb");
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        pg.start_server();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command of the server's, as the unprivileged user when the tests run as root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    /// Start the server (again, after `stop`).
    pub fn start_server(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.path().display());
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "start"])
            .output()
            .expect("run pg_ctl start");
        assert!(out.status.success(), "pg_ctl start: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stop the server at once (as a crash would: no checkpoint).
    pub fn stop(&self) {
        let _ = self.command("pg_ctl").arg("-D").arg(self.data()).args(["-m", "immediate", "-w", "stop"]).output();
    }

    pub fn url(&self) -> String {
        format!("postgres://seedbed@127.0.0.1:{}/postgres", self.port)
    }

    /// Run SQL with psql; its output, unaligned, without headers.
    pub fn sql(&self, sql: &str) -> String {
        let out = self
            .command("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "seedbed",
                "-d",
                "postgres",
                "-At",
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        assert!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}
